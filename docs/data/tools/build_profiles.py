# run from /tmp/az after tools/extract_pngs.sh
import numpy as np, pandas as pd
exec(open('/work/wt/data-plans/tools/digitize.py').read())
AZ="github Azure/AzurePublicDataset analysis/AzureLLMInferenceDataset2024.ipynb @b469a113cedca53ddc3bdea71a143dc4b7d8700c"
dc,_=digit('nb24_c18_0.png',[(42,6000),(103,5000),(163,4000),(223,3000),(284,2000),(344,1000)],'2024-05-10')
dv,_=digit('nb24_c18_1.png',[(61,5000),(130,4000),(198,3000),(267,2000),(336,1000)],'2024-05-12')
tc,_=digit('nb24_c19_0.png',[(356,0.2e7),(311,0.4e7),(266,0.6e7),(221,0.8e7),(175,1.0e7),(130,1.2e7),(85,1.4e7),(40,1.6e7)],'2024-05-10',x0=61,x1=557,ybot=401,mask=(62,172,33,92))
tv,_=digit('nb24_c19_1.png',[(359,1e6),(316,2e6),(273,3e6),(231,4e6),(188,5e6),(145,6e6),(103,7e6),(60,8e6)],'2024-05-12',x0=48,x1=544,ybot=401,mask=(432,545,33,92))
def hourly(d,shift):
    d=d.copy(); d['lt']=d['t']+pd.Timedelta(hours=shift); d['h']=d['lt'].dt.floor('h')
    g=d.groupby('h')['mid'].mean().to_frame('v'); g['date']=g.index.normalize(); g['hour']=g.index.hour
    g['dow']=g['date'].dt.dayofweek
    return g
def prof(d,shift,days='weekday',dates=None):
    g=hourly(d,shift)
    if dates is not None: g=g[g['date'].isin(pd.to_datetime(dates))]
    elif days=='weekday': g=g[g.dow<5]
    else: g=g[g.dow>=5]
    p=g.groupby('hour')['v'].mean()
    n=g.groupby('hour')['v'].count()
    return p/p.mean(), p, g
rows=[]; summ=[]
def add(name,p,src,date,note):
    p=p.reindex(range(24)); assert p.notna().all(), name
    p=p/p.mean()
    for h,v in p.items(): rows.append((name,h,round(float(v),4),src,date,note))
    summ.append((name,round(float(p.max()),3),int(p.idxmax()),round(float((p>1).mean()),3),round(float(p.min()),3),round(float(p.max()/p.min()),2)))
LOC=-4
note_dig=("digitised per-pixel-column from the notebook's embedded PNG chart 'Number of invocations per minute' (1 px ~ 7.2 min), "
          "axis calibrated on gridlines; digitised weekly mean within 1% of the true mean (row count/10080 min); hourly mean of the line's vertical centre")
p,_,g=prof(dc,LOC)
add('business_day',p,AZ+" (cell 18, 'Coding' chart)","trace 2024-05-10..2024-05-16 (UTC); repo HEAD commit 2025-10-20",
    "Azure LLM inference trace 2024, CODING service, requests/hour, weekdays (Fri 10, Mon 13-Thu 16 May 2024), hour in assumed local time UTC-4 (US Eastern daylight; inferred from shape, not documented); "+note_dig)
p,_,_=prof(dc,0); add('code_utc',p,AZ+" (cell 18, 'Coding' chart)","trace 2024-05-10..2024-05-16 (UTC); repo HEAD commit 2025-10-20","same as business_day but hour of day in UTC (trace timestamps are +00:00); "+note_dig)
p,_,_=prof(dv,LOC); add('conversation',p,AZ+" (cell 18, 'Conversation' chart)","trace 2024-05-12..2024-05-18 (UTC); repo HEAD commit 2025-10-20",
    "Azure LLM inference trace 2024, CONVERSATION service, requests/hour, weekdays (Mon 13-Fri 17 May 2024), hour in assumed local time UTC-4; "+note_dig)
p,_,_=prof(dv,0); add('conversation_utc',p,AZ+" (cell 18, 'Conversation' chart)","trace 2024-05-12..2024-05-18 (UTC); repo HEAD commit 2025-10-20","as conversation, hour in UTC; "+note_dig)
# mix: sum of absolute per-minute counts on common weekdays Mon13-Thu16 (UTC days), local
common=['2024-05-13','2024-05-14','2024-05-15','2024-05-16']
gc=hourly(dc,0); gv=hourly(dv,0)
m=(gc['v']+gv['v']).dropna().to_frame('v'); m['date']=m.index.normalize(); m=m[m['date'].isin(pd.to_datetime(common))]
m['lh']=((m.index.hour+LOC)%24)
p=m.groupby('lh')['v'].mean(); add('azure_mix',p,AZ+" (cell 18, both charts)","traces 2024-05-13..2024-05-16 (UTC); repo HEAD commit 2025-10-20",
    "sum of CODING+CONVERSATION requests/min (absolute levels), common UTC weekdays Mon 13-Thu 16 May 2024, hour-of-day averaged then rotated to UTC-4 (circular shift); "+note_dig)
# tokens
note_tok=("digitised from the notebook's 640x480 'Number of tokens per minute' chart (Input line; 1 px ~ 20 min), legend area masked; input (context) tokens only")
p,_,_=prof(tc,LOC); add('code_input_tokens',p,AZ+" (cell 19, 'Coding' chart)","trace 2024-05-10..2024-05-16 (UTC); repo HEAD commit 2025-10-20","CODING service input tokens/hour, weekdays, assumed local UTC-4; "+note_tok)
p,_,_=prof(tv,LOC); add('conversation_input_tokens',p,AZ+" (cell 19, 'Conversation' chart)","trace 2024-05-12..2024-05-18 (UTC); repo HEAD commit 2025-10-20","CONVERSATION service input tokens/hour, weekdays, assumed local UTC-4; "+note_tok)
# weekend
p,_,gw=prof(dc,LOC,days='weekend'); add('code_weekend',p,AZ+" (cell 18, 'Coding' chart)","trace 2024-05-11..2024-05-12; repo HEAD commit 2025-10-20","CODING requests/hour on Sat 11 + Sun 12 May 2024 (local UTC-4 days, partly incomplete at edges), normalised to its own mean; "+note_dig)
p,_,gw2=prof(dv,LOC,days='weekend'); add('conversation_weekend',p,AZ+" (cell 18, 'Conversation' chart)","trace 2024-05-12 and 2024-05-18; repo HEAD commit 2025-10-20","CONVERSATION requests/hour on Sun 12 + Sat 18 May 2024 (local UTC-4), normalised to its own mean; "+note_dig)
# BurstGPT
# BurstGPT Fig3-4 'ChatGPT (Conv.)' panel: box medians in requests/hour, read from the 3474x669 PNG
# (y ticks 0/100/200 at rows 517.5/356.5/194.5 px; median = grey line inside each cyan box; hours 3-7 read approximately)
bg=np.array([45.8,27.9,15.8,8.0,4.6,4.6,4.6,4.6,19.8,105.9,157.0,157.9,67.8,92.0,154.8,183.9,187.9,131.9,76.8,100.9,118.0,106.8,93.8,74.9])
add('chat_burstgpt',pd.Series(bg,index=range(24)),"github HPMLL/BurstGPT img/Fig3-4.png @e92f533b6c85ea7f4164fb3d97d1aa2c3edacbc8 (README 'Figure 2: Daily Periodicity', panel 'ChatGPT (Conv.)')",
    "trace period not dated in README (paper arXiv 2401.17644, KDD 2025); repo HEAD commit 2026-02-02",
    "read off a chart: medians of the per-hour request-count box plots (all days pooled) for ChatGPT conversation logs of an Azure OpenAI regional service; hours are the trace's local time zone (README: 'calibrated to the local time zone', zone not named); medians of hours 3-7 are ~5 req and were read approximately (boxes too small to resolve)")
add('flat',pd.Series(1.0,index=range(24)),"definition","n/a","constant load, 1.0 every hour")
df=pd.DataFrame(rows,columns=['profile','hour','relative_load','source','date','note'])
df.to_csv('/work/wt/data-plans/load_profiles.csv',index=False)
s=pd.DataFrame(summ,columns=['profile','peak_to_avg','peak_hour','share_hours_above_mean','min_to_avg','peak_to_trough'])
print(s.to_string(index=False))
s.to_csv('/tmp/az/summary.csv',index=False)
# weekday/weekend volume ratios (per-minute mean levels)
for nm,d in [('code',dc),('conv',dv)]:
    g=hourly(d,0); daily=g.groupby('date')['v'].mean(); print(nm, daily.round(0).to_dict())
print(df.pivot(index='hour',columns='profile',values='relative_load').round(2).to_string())
