// Every command of floe-dev, one module each (design §1), in the order `--help` lists them.
import { codeLocationCommand } from './code-location.js';
import type { CommandModule } from './command.js';
import { completionCommand } from './completion.js';
import { configCommand } from './config.js';
import { credentialsCommand } from './credentials.js';
import { doctorCommand } from './doctor.js';
import { downCommand } from './down.js';
import { forwardCommand } from './forward.js';
import { loadCommand } from './load.js';
import { renderCommand } from './render.js';
import { smokeCommand } from './smoke.js';
import { statusCommand } from './status.js';
import { upCommand } from './up.js';

export const COMMANDS = [
  upCommand,
  downCommand,
  smokeCommand,
  statusCommand,
  credentialsCommand,
  doctorCommand,
  loadCommand,
  codeLocationCommand,
  renderCommand,
  forwardCommand,
  configCommand,
  completionCommand,
] as CommandModule<never>[];
