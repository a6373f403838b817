#!/bin/sh
# Re-create the chart PNGs that tools/build_profiles.py digitises (run from any dir).
# Needs a local copy of github.com/Azure/AzurePublicDataset (commit b469a113cedca53ddc3bdea71a143dc4b7d8700c)
# and github.com/HPMLL/BurstGPT (commit e92f533b6c85ea7f4164fb3d97d1aa2c3edacbc8).
# Usage: AZ=<azure repo git dir> BG=<burstgpt repo git dir> sh extract_pngs.sh ; outputs go to /tmp/az
set -e
mkdir -p /tmp/az && cd /tmp/az
git -C "$AZ" show HEAD:analysis/AzureLLMInferenceDataset2024.ipynb > nb24.ipynb
git -C "$BG" show HEAD:img/Fig3-4.png > bg_Fig3-4.png
python3 - <<'P'
import json,base64
nb=json.load(open('nb24.ipynb'))
for i,c in enumerate(nb['cells']):
    k=0
    for o in c.get('outputs',[]):
        if 'data' in o and 'image/png' in o['data']:
            open(f'nb24_c{i}_{k}.png','wb').write(base64.b64decode(o['data']['image/png'])); k+=1
P
echo "cell 18 -> nb24_c18_0.png (Coding req/min), nb24_c18_1.png (Conversation req/min); cell 19 -> tokens/min"
echo "BurstGPT medians: see the box-median extraction described in ../README.md (bg_prof.npy was produced interactively)"
