// Keys Ofelia (mcuadros/ofelia and the netresearch fork) accepts that this
// scheduler does not implement, with what to do instead. They are warned
// about, never silently dropped.

const NOTIFY = 'notifications are sent by [webhook "name"] sections listed in webhooks = …';
const SAVE = 'every run is kept in the history database (GET /api/jobs/<name>/runs)';

/** Per-job middleware keys of Ofelia. */
export const UNSUPPORTED_JOB_KEYS: Readonly<Record<string, string>> = {
  'smtp-host': NOTIFY,
  'smtp-port': NOTIFY,
  'smtp-user': NOTIFY,
  'smtp-password': NOTIFY,
  'smtp-tls-skip-verify': NOTIFY,
  'smtp-tls-policy': NOTIFY,
  'email-to': NOTIFY,
  'email-from': NOTIFY,
  'email-subject': NOTIFY,
  'mail-only-on-error': NOTIFY,
  'slack-webhook': NOTIFY,
  'slack-only-on-error': NOTIFY,
  'save-folder': SAVE,
  'save-only-on-error': SAVE,
  'save-mode': SAVE,
  'save-folder-mode': SAVE,
  'history-limit': SAVE,
  'depends-on': 'job dependencies are not implemented: chain the commands in one job',
  'on-success': 'job dependencies are not implemented: chain the commands in one job',
  'on-failure': 'job dependencies are not implemented: use a [webhook] with trigger = error',
  'env-file': 'list each variable with environment = NAME=value',
  'env-from': 'list each variable with environment = NAME=value',
  'console-height': 'pseudo-TTY sizes are not set',
  'console-width': 'pseudo-TTY sizes are not set',
  'stop-signal': 'a run past max-runtime is killed (SIGKILL) and removed',
  'stop-timeout': 'a run past max-runtime is killed (SIGKILL) and removed',
};

/** [global] keys of Ofelia. */
export const UNSUPPORTED_GLOBAL_KEYS: Readonly<Record<string, string>> = {
  ...UNSUPPORTED_JOB_KEYS,
  'enable-web': 'the web page and API are always on, at HOST:PORT',
  'web-address': 'set HOST and PORT in the environment',
  'web-auth-enabled': 'set ADMIN_TOKEN in the environment to protect the API',
  'web-username': 'set ADMIN_TOKEN in the environment to protect the API',
  'web-password-hash': 'set ADMIN_TOKEN in the environment to protect the API',
  'web-secret-key': 'set ADMIN_TOKEN in the environment to protect the API',
  'web-token-expiry': 'set ADMIN_TOKEN in the environment to protect the API',
  'web-max-login-attempts': 'set ADMIN_TOKEN in the environment to protect the API',
  'web-trusted-proxies': 'not used',
  'log-level': 'set LOG_LEVEL in the environment',
  'enable-pprof': 'use node --inspect',
  'pprof-address': 'use node --inspect',
  'enable-strict-validation': 'every key is validated; unknown ones are warned about',
  'allow-host-jobs-from-labels': 'jobs come from this file only, never from Docker labels',
  'job-exec-label-scope': 'jobs come from this file only, never from Docker labels',
  'webhook-allow-remote-presets': 'only the json-post payload is implemented',
  'webhook-trusted-preset-sources': 'only the json-post payload is implemented',
  'webhook-preset-cache-ttl': 'only the json-post payload is implemented',
  'webhook-preset-cache-dir': 'only the json-post payload is implemented',
  'webhook-allowed-hosts': 'webhook URLs come from this file only',
  'webhook-default-preset': 'only the json-post payload is implemented',
  'restore-history': SAVE,
  'restore-history-max-age': SAVE,
};

/** Keys of a [webhook] section that only Ofelia's presets use. */
export const UNSUPPORTED_WEBHOOK_KEYS: Readonly<Record<string, string>> = {
  id: 'presets are not implemented: give the full url',
  secret: 'presets are not implemented: put the secret in the url, from an environment variable if need be',
  device: 'presets are not implemented',
};
