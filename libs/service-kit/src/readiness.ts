/** Named checks behind GET /readyz: a service is ready when each of its dependencies says so. */
export class Readiness {
  private readonly checks = new Map<string, () => boolean>();

  register(name: string, check: () => boolean): void {
    this.checks.set(name, check);
  }

  report(): { ready: boolean; checks: Record<string, boolean> } {
    const checks = Object.fromEntries([...this.checks].map(([name, check]) => [name, safe(check)]));
    return { ready: Object.values(checks).every(Boolean), checks };
  }
}

function safe(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}
