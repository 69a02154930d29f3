// What `zod`'s `locales` namespace holds in a function bundle: English only, zod's default.
// The functions never switch zod's locale (their messages are their own, in Chinese;
// shared/platform/contract/input-errors.ts), so the other 60-odd locales (about 250 KB minified,
// a quarter of what a bundle carries beyond the SDK) stay out and off every cold start.
export { default as en } from 'zod/v4/locales/en.js'
