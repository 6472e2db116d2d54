// Reports (on stderr) every module resolved from the Stripe or PayPal SDK packages.
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (/node_modules\/(stripe|@paypal)\//.test(r.url)) process.stderr.write(`SDK ${r.url}\n`);
  return r;
}
