// A recording StepReporter for in-process step tests: the titles, progress lines and sub-task lines a step reported.
import type { StepReporter, TaskReporter } from '../../src/steps/step.js';

export interface RecordingReporter extends StepReporter {
  titles: string[];
  lines: string[];
  /** Each sub-task's lines, by key: its progress, then `done: ...`, `failed: ...` or `skipped: ...`. */
  subtasks: Map<string, string[]>;
}

export function recordingReporter(): RecordingReporter {
  const titles: string[] = [];
  const lines: string[] = [];
  const subtasks = new Map<string, string[]>();
  return {
    titles,
    lines,
    subtasks,
    progress: (t) => void lines.push(t),
    done: (t) => void titles.push(t),
    skip: (t) => void titles.push(`skipped: ${t}`),
    tasks: (items) => {
      if (subtasks.size > 0) throw new Error('recordingReporter: tasks() called twice');
      const handles = new Map<string, TaskReporter>();
      for (const { key, title } of items) {
        const log = [title];
        subtasks.set(key, log);
        handles.set(key, {
          progress: (t) => void log.push(t),
          title: (t) => void log.push(`title: ${t}`),
          done: (t) => void log.push(`done: ${t}`),
          fail: (t) => void log.push(`failed: ${t}`),
          skip: (t) => void log.push(`skipped: ${t}`),
        });
      }
      return handles;
    },
  };
}
