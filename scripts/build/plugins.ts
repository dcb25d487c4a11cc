import { builtinModules, createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

/**
 * Inside a bundle every module's `import.meta.url` would be its chunk's. The sources locate files
 * relative to themselves (`new URL('../../templates/…', import.meta.url)`), so each module of src/
 * gets the URL it would have as dist/<same path>.js: what works in src/ works in dist/ unchanged.
 */
export function importMetaUrlAsBuilt(srcDir: URL): Plugin {
  const src = fileURLToPath(srcDir);
  return {
    name: 'import-meta-url-as-built',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (!args.path.startsWith(src)) return undefined;
        const text = await readFile(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        // Chunks and entries live in dist/ itself, so `./<path>` from the chunk is dist/<path>.
        const asBuilt = `./${relative(src, args.path).replace(/\.ts$/, '.js')}`;
        return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(asBuilt)}, import.meta.url).href`), loader: 'ts' };
      });
    },
  };
}

/**
 * src/profiles/shipped.ts reads and validates templates/profiles/*.yaml on every call in a
 * checkout; in the bundle it returns what that call returned at build time, so a run parses no
 * YAML. The build fails if a shipped profile is invalid, as every command would.
 */
export function shippedProfiles(module: URL): Plugin {
  const path = fileURLToPath(module);
  return {
    name: 'shipped-profiles',
    setup(build) {
      build.onLoad({ filter: /shipped\.ts$/ }, async (args) => {
        if (args.path !== path) return undefined;
        const { readShippedProfiles } = (await import(module.href)) as { readShippedProfiles: () => unknown };
        const text = JSON.stringify(JSON.stringify(readShippedProfiles()));
        return { contents: `const TEXT = ${text};\nexport function readShippedProfiles() { return JSON.parse(TEXT); }\n`, loader: 'js' };
      });
    },
  };
}

/** Modules whose evaluation waits for their first call, with the function exports the sources import. */
const DEFERRED: Record<string, string[]> = {
  // Builds Unicode tables on import (an Intl.Segmenter and `\p{RGI_Emoji}` expressions, some 70 ms); yargs imports it.
  'string-width': ['default'],
  // Only some outputs, config files and the fleet file need it (src/profiles/escape.ts, src/rotation/config-file.ts, src/fleet/).
  yaml: ['parse', 'parseDocument', 'stringify', 'isMap', 'isNode'],
  // The Azure SDK's proxy policy constructs one only when a proxy is set; loading them (with debug, agent-base) costs ~10 ms.
  'https-proxy-agent': ['HttpsProxyAgent'],
  'http-proxy-agent': ['HttpProxyAgent'],
};

/**
 * Each import of a module in DEFERRED gets functions that evaluate the real module on first use
 * (esbuild initialises a bundled module when it is first required). string-width's stand-in also
 * answers, without the real module, text made only of characters one column wide in every version
 * in use (printable ASCII, Latin-1 but © ® and the soft hyphen, common punctuation, arrows);
 * test/e2e/package.test.ts checks the packaged help text is byte for byte the source's. Importing
 * any other export fails the build.
 */
export function deferModules(): Plugin {
  const names = Object.keys(DEFERRED).join('|');
  const narrow = String.raw`^[\x20-\x7E\xA0-\xA8\xAA-\xAC\xAF-\xFF\u2010-\u2027\u2030-\u203B\u203D-\u2048\u204A-\u205E\u2190-\u2193\u2212\u2264\u2265]*$`;
  return {
    name: 'defer-modules',
    setup(build) {
      build.onResolve({ filter: new RegExp(`^(${names})$`) }, async (args) => {
        if (args.pluginData === 'deferred') return undefined;
        const real = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: 'deferred',
        });
        if (real.errors.length > 0) return { errors: real.errors };
        // A path relative to the checkout: esbuild may name the module by it in the bundle.
        const path = relative(build.initialOptions.absWorkingDir ?? process.cwd(), real.path);
        return { path, namespace: 'deferred', pluginData: { name: args.path, real: real.path } };
      });
      build.onLoad({ filter: /.*/, namespace: 'deferred' }, (args) => {
        const { name: module, real: file } = args.pluginData as { name: string; real: string };
        const lines = ['let real;', `const load = () => (real ??= require(${JSON.stringify(file)}));`];
        if (module === 'string-width') {
          lines.push(
            `const NARROW = new RegExp(${JSON.stringify(narrow)});`,
            'export default function stringWidth(text, options) {',
            "  if (typeof text === 'string' && options?.ambiguousIsNarrow !== false && NARROW.test(text)) return text.length;",
            '  return load().default(text, options);',
            '}',
          );
        } else {
          for (const name of DEFERRED[module] ?? []) {
            // `new Name(…)` constructs the real class; a call calls the real function.
            lines.push(
              `export function ${name}(...args) { return new.target ? Reflect.construct(load().${name}, args) : load().${name}(...args); }`,
            );
          }
        }
        return { contents: lines.join('\n'), loader: 'js', resolveDir: dirname(file) };
      });
    },
  };
}

/**
 * Packages only some commands load, each built into a file of its own (dist/vendor/<file>, scripts/build.ts)
 * instead of into dist/main.cjs: every start reads, and V8 reads the code cache of, the whole of main.cjs, and these
 * were 1.2 of its 3.3 MB (docs/performance.md#start-up). The sources keep their `import()`; in the bundle it
 * loads the package's file with `require` when that import runs, and esbuild hands the sources the same named
 * exports it would from a bundled ES module (the vendor file is esbuild's CommonJS, marked `__esModule`).
 */
export const VENDORED: Record<string, string> = {
  // verify's test mail (src/mail/send-smtp.ts).
  nodemailer: 'nodemailer.cjs',
  // Exchange PowerShell, doctor and command sinks (src/exchange/runner.ts, src/commands/doctor.ts, src/credentials/sinks/command-sink.ts).
  execa: 'execa.cjs',
  // The fleet file's schema (src/fleet/schema-check.ts).
  'ajv/dist/2020.js': 'ajv-2020.cjs',
  // Certificate credentials (src/core/x509.ts), and the sandbox's own certificates.
  '@peculiar/x509': 'x509.cjs',
  // The sandbox's SMTP server (src/sandbox/smtp/server.ts).
  'smtp-server': 'smtp-server.cjs',
};

export function vendorModules(): Plugin {
  const names = Object.keys(VENDORED).map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  return {
    name: 'vendor-modules',
    setup(build) {
      build.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({ path: args.path, namespace: 'vendored' }));
      build.onResolve({ filter: /^\.\/vendor\//, namespace: 'vendored' }, (args) => ({ path: args.path, external: true }));
      build.onLoad({ filter: /.*/, namespace: 'vendored' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(`./vendor/${VENDORED[args.path]}`)});\n`,
        loader: 'js',
      }));
    },
  };
}

/**
 * jsonwebtoken (under MSAL Node) decides three features by `semver.satisfies(process.version, '>=X.Y.Z')`
 * when it is loaded, which loads all of semver (47 modules) and parses ranges on every sign-in. The
 * package's Node floor already satisfies each range, so the bundle gets the answer, `true`; the
 * build fails if a check's range is not a `>=` bound at or below the floor (e.g. after an update).
 */
export function nodeFeatureChecks(floor: string): Plugin {
  const [major = 0, minor = 0, patch = 0] = floor.split('.').map(Number);
  const atOrBelowFloor = (version: string) => {
    const [a = 0, b = 0, c = 0] = version.split('.').map(Number);
    return a !== major ? a < major : b !== minor ? b < minor : c <= patch;
  };
  return {
    name: 'node-feature-checks',
    setup(build) {
      build.onLoad({ filter: /[\\/]jsonwebtoken[\\/]lib[\\/]\w+Supported\.js$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        const range = /semver\.satisfies\(process\.version, '([^']+)'\)/.exec(text)?.[1];
        const bounds = (range ?? '').split('||').map((part) => /^\s*>=\s*(\d+\.\d+\.\d+)\s*$/.exec(part)?.[1]);
        if (!bounds.some((bound) => bound !== undefined && atOrBelowFloor(bound))) {
          throw new Error(`${args.path}: expected a semver check the Node floor ${floor} satisfies, found ${range ?? 'none'}`);
        }
        return { contents: 'module.exports = true;\n', loader: 'js' };
      });
    },
  };
}

/**
 * yargs' factory calls `version()` with no version on every parser it makes, which looks for a
 * package.json by listing every directory from the bundle's `node_modules` parent up to `/` (for a
 * global install, /usr/lib and the whole way up), loads `assert` and throws and catches when none is
 * found. src/commands/index.ts gives the version itself (`.version(VERSION)`), which replaces that
 * guess, so the bundle leaves the guess out. The build fails if the call is not found.
 */
export function yargsVersionGiven(): Plugin {
  return replaceInDependency({
    name: 'yargs-version-given',
    file: /[\\/]yargs[\\/]build[\\/]lib[\\/]yargs-factory\.js$/,
    find: '        yargs.help();\n        yargs.version();\n',
    replace: '        yargs.help();\n',
    what: "yargs' factory and its version() call",
  });
}

/**
 * The Azure SDK's HTTP pipeline (under @azure/identity) asks every request `body instanceof FormData`
 * after `typeof FormData`; looking up that global makes Node load its bundled fetch implementation
 * (~70 ms, docs/performance.md#provision) in a process that otherwise never uses it. A FormData body
 * can only exist once that implementation is loaded, and every FormData says so in its
 * `Symbol.toStringTag` (https://xhr.spec.whatwg.org/#interface-formdata, a WebIDL interface), so the
 * bundle asks the tag instead. The build fails if the check it replaces is not found.
 */
export function formDataCheckByTag(): Plugin {
  return replaceInDependency({
    name: 'form-data-check-by-tag',
    file: /[\\/]@typespec[\\/]ts-http-runtime[\\/]dist[\\/]esm[\\/]formData\.js$/,
    find: 'typeof FormData !== "undefined" && body instanceof FormData',
    replace: 'Object.prototype.toString.call(body) === "[object FormData]"',
    what: "the pipeline's FormData check",
  });
}

/** Replaces one piece of a dependency's file as it is bundled; the build fails if the piece or the file is not there. */
function replaceInDependency(patch: { name: string; file: RegExp; find: string; replace: string; what: string }): Plugin {
  return {
    name: patch.name,
    setup(build) {
      let replaced = false;
      build.onEnd((result) => {
        if (result.errors.length === 0 && !replaced) throw new Error(`${patch.name}: ${patch.what} was not bundled`);
      });
      build.onLoad({ filter: patch.file }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        if (!text.includes(patch.find)) throw new Error(`${args.path}: expected ${patch.what}: ${JSON.stringify(patch.find)}`);
        replaced = true;
        return { contents: text.replace(patch.find, patch.replace), loader: 'js' };
      });
    },
  };
}

/**
 * An ES module `import … from 'node:crypto'` is linked, and the built-in loaded, before the importing
 * module runs, and Node then evaluates every lazy export of it (crypto's webcrypto, http's bundled
 * fetch implementation …). Most commands use few of the built-ins the bundle names (`--help` uses
 * none of crypto, net, readline), so in the bundle each static import of a built-in gets a
 * stand-in whose exports are getters: the built-in is required (the banner's `require`) on the first
 * use of any of them (docs/performance.md#start-up). Export names are the built-in's own, read here.
 * The sources are unchanged.
 */
export function builtinsOnFirstUse(): Plugin {
  const require = createRequire(import.meta.url);
  const names = builtinModules.filter((name) => !name.startsWith('_')).map((name) => name.replace(/[/]/g, '\\/'));
  const filter = new RegExp(`^(node:)?(${names.join('|')})$`);
  return {
    name: 'builtins-on-first-use',
    setup(build) {
      build.onResolve({ filter }, (args) => {
        if (args.kind !== 'import-statement') return undefined;
        const name = args.path.startsWith('node:') ? args.path : `node:${args.path}`;
        return { path: name, namespace: 'builtin-on-first-use' };
      });
      build.onLoad({ filter: /.*/, namespace: 'builtin-on-first-use' }, (args) => {
        const real = require(args.path) as object;
        const path = JSON.stringify(args.path);
        // A class (events, stream) is a default import's value and may be subclassed at load: required as it is.
        // assert is a function that is called, never subclassed: a function that calls it stands in.
        const callable = args.path === 'node:assert' || args.path === 'node:assert/strict';
        if (typeof real === 'function' && !callable) return { contents: `module.exports = require(${path});\n`, loader: 'js' };
        const exported = Object.keys(real).filter((key) => key !== 'default' && key !== '__esModule');
        // The getters live on the stand-in's prototype: the bundle's import helper (__toESM) copies
        // own properties at every import site, and a prototype it reuses as it is.
        const lines = [
          'let real;',
          `const load = () => (real ??= require(${path}));`,
          `const proto = Object.create(${callable ? 'Function.prototype' : 'Object.prototype'});`,
          `for (const name of ${JSON.stringify(exported)}) Object.defineProperty(proto, name, { configurable: true, get: () => load()[name] });`,
        ];
        if (callable) {
          // yargs copies strictEqual and notStrictEqual when it loads and checks its own state with them
          // on every run: a check that holds (both compare with Object.is, as assert does) needs no assert
          // module; one that fails is thrown by assert itself.
          lines.push(
            "Object.defineProperty(proto, 'strictEqual', { value: (a, b, ...rest) => (Object.is(a, b) ? undefined : load().strictEqual(a, b, ...rest)) });",
            "Object.defineProperty(proto, 'notStrictEqual', { value: (a, b, ...rest) => (Object.is(a, b) ? load().notStrictEqual(a, b, ...rest) : undefined) });",
            'module.exports = Object.setPrototypeOf((...args) => load()(...args), proto);',
          );
        } else {
          lines.push('module.exports = Object.create(proto);');
        }
        return { contents: `${lines.join('\n')}\n`, loader: 'js' };
      });
    },
  };
}
