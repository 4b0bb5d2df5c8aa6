import { chromium } from 'playwright-core';
const ctx = await chromium.launchPersistentContext('/tmp/probe/prof'+Date.now(), {executablePath:'/usr/bin/chromium', headless:true, args:['--no-sandbox','--disable-gpu']});
const page = ctx.pages()[0];
page.on('request', r => console.log(Date.now()%100000, 'req', r.method(), r.url().slice(22,90))); page.on('response', r => console.log(Date.now()%100000,'resp', r.status(), r.request().method(), r.url().slice(22,90))); page.on('requestfailed', r => console.log('failed', r.url().slice(22,90), r.failure()?.errorText));
await page.goto('http://127.0.0.1:18555/#token=demo-kevin&conversation=xgQQXg3hrtjh7AvZ');
await page.locator('[role=feed] article').first().waitFor();
await fetch('http://127.0.0.1:18555/_test/faults',{method:'PUT',headers:{'Content-Type':'application/json'},body:JSON.stringify({latency_ms:Number(process.env.LAT),fail_rate:0,fail_after_commit_rate:0})});
const box = page.getByRole('textbox', {name:'Message', exact:true});
await box.fill('hello probe 1'); await box.press('Enter');
for (let i=0;i<4;i++){ await new Promise(r=>setTimeout(r,700)); console.log(await page.evaluate(()=>JSON.stringify({ls:Object.fromEntries(Object.entries(localStorage)), ss:Object.keys(sessionStorage), arts:[...document.querySelectorAll('[role=feed] article')].slice(-1).map(a=>a.outerHTML.slice(0,300))})));}
await ctx.close();
