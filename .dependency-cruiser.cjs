/**
 * The layers of Caseway, as rules the lint step enforces (`npm run lint:layers`).
 * A request flows handler -> http -> services -> core, and services reach storage
 * and AWS through adapters; CDK (lib/) reads only the shared topology. Each rule says
 * which way is forbidden and why; test/unit/layering.test.ts breaks each on purpose.
 */
const HANDLERS = '^functions/handlers/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle makes two modules one: neither can be read, tested or moved alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      comment: 'The domain core decides; it must not know storage, AWS, HTTP, use cases or the CDK app.',
      severity: 'error',
      from: { path: '^functions/core/' },
      to: { path: ['^functions/(adapters|services|http|handlers)/', '^lib/', '^bin/', 'node_modules/(@aws-sdk|@aws-lambda-powertools|aws-cdk-lib|@middy)/'] },
    },
    {
      name: 'adapters-serve-core',
      comment: 'Adapters translate between the core and the outside world; use cases and HTTP sit above them.',
      severity: 'error',
      from: { path: '^functions/adapters/' },
      to: { path: ['^functions/(services|http|handlers)/', '^lib/', '^bin/'] },
    },
    {
      name: 'services-know-no-http',
      comment: 'Use cases run for HTTP, events and the local runtime alike: no request shapes in them.',
      severity: 'error',
      from: { path: '^functions/services/' },
      to: { path: ['^functions/(http|handlers)/', '^lib/', '^bin/'] },
    },
    {
      name: 'http-is-below-handlers',
      comment: 'The HTTP layer is shared by every handler; it must not reach back up into one.',
      severity: 'error',
      from: { path: '^functions/http/' },
      to: { path: [HANDLERS, '^lib/', '^bin/'] },
    },
    {
      name: 'handlers-stand-alone',
      comment: 'Each handler is its own Lambda bundle: one importing another drags its code into both.',
      severity: 'error',
      from: { path: `${HANDLERS}([^/]+)` },
      to: { path: HANDLERS, pathNot: `${HANDLERS}$1` },
    },
    {
      name: 'functions-never-import-the-cdk-app',
      comment: 'Lambda code must not know how it is deployed; shared facts live in functions/topology.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: ['^lib/', '^bin/', 'node_modules/aws-cdk-lib/', 'node_modules/constructs/'] },
    },
    {
      name: 'the-whole-api-is-read-at-build-time',
      comment:
        'Each declaration imports its use cases, so the list of them all (and the document built from it) is the whole API: a Lambda or the local platform importing it would load every use case. bin/api-generate.ts writes what they derive into functions/topology/.',
      severity: 'error',
      from: { path: '^(functions|lib)/', pathNot: '^functions/http/openapi\\.ts$' },
      to: { path: '^functions/http/(api/index|openapi)\\.ts$' },
    },
    {
      name: 'constructs-read-only-topology',
      comment: 'The CDK app deploys what the topology declares; it may share the pure core (roles, vocabularies), never runtime code.',
      severity: 'error',
      from: { path: '^lib/(constructs/|caseway)' },
      to: { path: ['^functions/(adapters|services|http|handlers)/', '^lib/local/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '^web/', '^test/', '\\.d\\.ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
