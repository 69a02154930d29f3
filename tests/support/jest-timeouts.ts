// Stacks start and bundles build in beforeAll; on a shared 2-core machine that can take seconds.
jest.setTimeout(90_000)
