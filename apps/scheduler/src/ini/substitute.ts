// `${VAR}` and `${VAR:-default}` in values, as Ofelia (netresearch) reads
// them: the variable's value when it is set and not empty, else the default;
// without a default an unset variable stays written as `${VAR}` (so a typo
// shows) and is reported. `$VAR` without braces is left alone for the shell.

export interface Substitution {
  readonly value: string;
  /** Variables that were unset and had no default. */
  readonly missing: string[];
}

export function substituteEnv(text: string, env: Readonly<Record<string, string | undefined>>): Substitution {
  const missing: string[] = [];
  const value = text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (whole, name: string, fallback?: string) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      missing.push(name);
      return whole;
    },
  );
  return { value, missing };
}
