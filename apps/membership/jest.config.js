module.exports = { ...require('../../jest.preset.js'), displayName: 'membership', rootDir: __dirname };
