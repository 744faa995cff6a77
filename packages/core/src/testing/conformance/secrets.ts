/** Every form a secret may leak in: as is, base64 (Basic auth), and Mailgun's `api:` base64. */
export function secretForms(secrets: readonly string[]): string[] {
  return secrets
    .filter((secret) => secret.length >= 4)
    .flatMap((secret) => [
      secret,
      Buffer.from(secret).toString('base64'),
      Buffer.from(`api:${secret}`).toString('base64'),
    ]);
}

/** The path of the first string under `value` containing a secret, or undefined. Cycles are safe. */
export function findSecret(value: unknown, secrets: readonly string[]): string | undefined {
  const seen = new WeakSet<object>();
  const visit = (node: unknown, path: string): string | undefined => {
    if (typeof node === 'string') return secrets.some((secret) => node.includes(secret)) ? path : undefined;
    if (typeof node !== 'object' || node === null || seen.has(node)) return undefined;
    seen.add(node);
    if (node instanceof Error) {
      const found = visit(node.message, `${path}.message`) ?? visit(node.stack, `${path}.stack`);
      if (found) return found;
    }
    for (const key of Reflect.ownKeys(node)) {
      let child: unknown;
      try {
        child = (node as Record<string | symbol, unknown>)[key];
      } catch {
        continue;
      }
      const found = visit(child, `${path}.${String(key)}`);
      if (found) return found;
    }
    return undefined;
  };
  return visit(value, '$');
}
