// Builds the Grafana app plugin the way @grafana/create-plugin does: dist/module.js is an AMD library whose
// shared dependencies (React, Grafana packages, rxjs, emotion, react-router) come from Grafana's loader at
// runtime; plugin.json, README and the logo are copied next to it with %VERSION%/%TODAY%/%PLUGIN_ID% filled in.
const path = require('node:path');
const CopyWebpackPlugin = require('copy-webpack-plugin');
const pkg = require('./package.json');
const pluginJson = require('./src/plugin.json');

const SOURCE_DIR = path.resolve(__dirname, 'src');
const DIST_DIR = path.resolve(__dirname, 'dist');

/** Modules Grafana provides to plugins (its SystemJS shared dependencies). */
const EXTERNALS = [
  'react',
  'react-dom',
  'react-router',
  'react-router-dom',
  '@emotion/css',
  '@emotion/react',
  'lodash',
  'moment',
  /^rxjs(\/.*)?$/,
  /^@grafana\/ui(\/.*)?$/,
  /^@grafana\/runtime(\/.*)?$/,
  /^@grafana\/data(\/.*)?$/,
];

function today() {
  return new Date().toISOString().slice(0, 10);
}

function fillPluginJson(content) {
  return content
    .toString()
    .replaceAll('%VERSION%', pkg.version)
    .replaceAll('%TODAY%', today())
    .replaceAll('%PLUGIN_ID%', pluginJson.id);
}

module.exports = (_env, argv = {}) => {
  const production = (argv.mode ?? 'production') === 'production';
  return {
    mode: production ? 'production' : 'development',
    target: 'web',
    devtool: 'source-map',
    context: SOURCE_DIR,
    entry: { module: './module.tsx' },
    output: {
      path: DIST_DIR,
      filename: '[name].js',
      chunkFilename: production ? '[name].js?_cache=[contenthash]' : '[name].js',
      library: { type: 'amd' },
      // Lazy chunks load from where Grafana serves the plugin's files.
      publicPath: `public/plugins/${pluginJson.id}/`,
      uniqueName: pluginJson.id,
      clean: true,
    },
    externals: EXTERNALS,
    resolve: {
      extensions: ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.json'],
      alias: {
        // Package "exports" resolution keeps the `?raw` query in the key; point at the file itself.
        '@xyflow/react/dist/style.css$': path.join(
          path.dirname(require.resolve('@xyflow/react/package.json')),
          'dist/style.css',
        ),
      },
    },
    module: {
      rules: [
        {
          test: /\.[cm]?[jt]sx?$/,
          exclude: /node_modules/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: {
                target: 'es2020',
                parser: { syntax: 'typescript', tsx: true },
                transform: { react: { runtime: 'automatic', development: !production } },
              },
            },
          },
        },
        // ESM packages that import without file extensions.
        { test: /\.m?js$/, resolve: { fullySpecified: false } },
        // `import css from 'x.css?raw'`: the file's text (React Flow's stylesheet, injected at runtime).
        { resourceQuery: /raw/, type: 'asset/source' },
      ],
    },
    plugins: [
      new CopyWebpackPlugin({
        patterns: [
          { from: 'plugin.json', to: '.', transform: fillPluginJson },
          { from: '../README.md', to: '.' },
          { from: 'img/logo.svg', to: 'img/logo.svg' },
        ],
      }),
    ],
    performance: { hints: false },
    stats: 'errors-warnings',
  };
};
