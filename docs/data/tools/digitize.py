from PIL import Image
import numpy as np, pandas as pd
def digit(f, grid, start, x0=74, x1=1471, ybot=404, ytop=32, mask=None, color=(31,119,180)):
    a=np.array(Image.open(f).convert('RGB')).astype(int)
    rows=np.array([r for r,v in grid]+[ybot]); vals=np.array([v for r,v in grid]+[0])
    k,b=np.polyfit(rows,vals,1)
    resid=vals-(k*rows+b)
    blue=(abs(a[:,:,0]-color[0])<40)&(abs(a[:,:,1]-color[1])<40)&(abs(a[:,:,2]-color[2])<40)
    if mask:
        c0,c1,r0,r1=mask; blue[r0:r1,c0:c1]=False
    out=[]
    for c in range(x0+1,x1):
        r=np.where(blue[ytop+1:ybot,c])[0]+ytop+1
        if len(r)==0: out.append((c,np.nan)); continue
        out.append((c,k*r.mean()+b))
    d=pd.DataFrame(out,columns=['col','mid'])
    frac=(d.col-x0)/(x1-x0)
    d['t']=pd.Timestamp(start)+pd.to_timedelta(frac*7*86400,unit='s')
    return d,resid
