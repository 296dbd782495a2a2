import 'reflect-metadata';
import { keepCreatedFilesPrivate } from '../common/private-files';
import { loadDotEnv } from '../config/env-file';
import { runCli } from './run-cli';

keepCreatedFilesPrivate();
loadDotEnv();
runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
