// babel-preset-taro compiles the app for both targets; TypeScript is only stripped here,
// `tsc -p miniprogram/tsconfig.json --noEmit` (run by scripts/build-miniprogram.ts) checks it.
module.exports = {
  presets: [['taro', { framework: 'react', ts: true, compiler: 'webpack5' }]],
}
