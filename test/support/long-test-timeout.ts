// Several processes or a real browser per test: a minute each (the top-level 30 s suits the rest).
jest.setTimeout(60_000);
