// Stacks start and bundles build in beforeAll, and property tests run hundreds of cases: on a shared
// 2-core machine that takes seconds. (`testTimeout` in a project config is ignored by jest.)
jest.setTimeout(90_000)
