// `floe-dev completion [bash|zsh]`: the shell script that completes commands, options and their values. The
// script asks `floe-dev --get-yargs-completions ...` (yargs answers), so `floe-dev` must be on PATH.
import { defineCommand } from './command.js';

export const SHELLS = ['bash', 'zsh'] as const;
export type Shell = (typeof SHELLS)[number];

/** The shell the user runs, from $SHELL (zsh users get zsh's script without naming it). */
export function defaultShell(env: NodeJS.ProcessEnv): Shell {
  return /zsh/.test(env.SHELL ?? '') ? 'zsh' : 'bash';
}

const BASH = `###-begin-floe-dev-completions-###
# floe-dev completion for bash: add  eval "$(floe-dev completion bash)"  to ~/.bashrc (floe-dev on PATH: npm link)
_floe_dev_completions() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" IFS=$'\\n'
  COMPREPLY=($(compgen -W "$(floe-dev --get-yargs-completions "\${COMP_WORDS[@]:0:COMP_CWORD+1}" 2>/dev/null)" -- "$cur"))
}
complete -o bashdefault -o default -F _floe_dev_completions floe-dev
###-end-floe-dev-completions-###
`;

// ZSH_NAME tells yargs to answer with "name:description" pairs, which _describe shows.
const ZSH = `#compdef floe-dev
###-begin-floe-dev-completions-###
# floe-dev completion for zsh: add  eval "$(floe-dev completion zsh)"  to ~/.zshrc after compinit (floe-dev on PATH: npm link)
_floe_dev_completions() {
  local -a reply
  local si=$IFS
  IFS=$'\\n' reply=($(ZSH_NAME=zsh floe-dev --get-yargs-completions "\${words[1,CURRENT]}" 2>/dev/null))
  IFS=$si
  if (( \${#reply} > 0 )); then _describe 'values' reply; else _default; fi
}
if [[ "\${zsh_eval_context[-1]}" == "loadautofunc" ]]; then
  _floe_dev_completions "$@"
else
  compdef _floe_dev_completions floe-dev
fi
###-end-floe-dev-completions-###
`;

export function completionScript(shell: Shell): string {
  return shell === 'zsh' ? ZSH : BASH;
}

export const completionCommand = defineCommand<{ shell?: Shell }>({
  command: 'completion [shell]',
  describe: 'Print the shell completion script (bash or zsh; default: your $SHELL)',
  builder: (y) => y.positional('shell', { choices: SHELLS, describe: 'bash or zsh' }) as never,
  examples: [
    ['eval "$(floe-dev completion bash)"', 'in ~/.bashrc: complete floe-dev commands and options'],
    ['eval "$(floe-dev completion zsh)"', 'in ~/.zshrc, after compinit'],
  ],
  run: async (args, io) => {
    const shell = args.shell ?? defaultShell(io.env);
    io.stdout(args.json || args.output === 'json' ? `${JSON.stringify({ shell, script: completionScript(shell) }, null, 2)}\n` : completionScript(shell));
  },
});
