/**
 * Signs in through the form over HTTP, as a browser does: the CSRF cookie and token from the page,
 * then the session cookie. For the load test and the benchmarks, which drive a real server.
 */
export async function signInOverHttp(origin: string, email: string, password: string): Promise<string> {
  const page = await fetch(`${origin}/sign-in`);
  const cookies = page.headers.getSetCookie().map((c) => c.split(';')[0]);
  const csrf = (await page.text()).match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
  const res = await fetch(`${origin}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies.join('; ') },
    body: new URLSearchParams({ _csrf: csrf, email, password, next: '' }).toString(),
  });
  if (res.status !== 303) throw new Error(`sign-in failed with ${res.status}`);
  return [...cookies, ...res.headers.getSetCookie().map((c) => c.split(';')[0])].join('; ');
}
