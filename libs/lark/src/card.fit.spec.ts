import { DEFAULT_CARD_BYTE_BUDGET, fitCard, jsonBytes, LARK_BODY_LIMIT_BYTES, TRUNCATION_LEVELS, type TextLimits } from './card.fit';

/** A stand-in card: `shown` items of `itemChars` characters, cut to the level's annotation limit. */
const builder = (itemChars: number) => (shown: number, limits: TextLimits) => ({
  items: Array.from({ length: shown }, () => 'x'.repeat(Math.min(itemChars, limits.annotationChars))),
});

describe('fitCard', () => {
  it('keeps a budget well under 20 KB with room for the signature', () => {
    expect(DEFAULT_CARD_BYTE_BUDGET).toBe(19_456);
    expect(DEFAULT_CARD_BYTE_BUDGET + 128).toBeLessThan(LARK_BODY_LIMIT_BYTES);
  });

  it('shows everything at full detail when it fits', () => {
    const fit = fitCard(10, builder(50), 2000);
    expect(fit).toMatchObject({ shown: 10, fits: true, limits: TRUNCATION_LEVELS[0] });
    expect(fit.bytes).toBe(jsonBytes(fit.value));
  });

  it('truncates texts before dropping items', () => {
    // 10 items of 1000 chars are ~10 KB; at 300 chars they are ~3 KB.
    const fit = fitCard(10, builder(1000), 5000);
    expect(fit).toMatchObject({ shown: 10, fits: true, limits: TRUNCATION_LEVELS[1] });
  });

  it('shows as many items as fit at the level that shows most', () => {
    const fit = fitCard(500, builder(1000), 5000);
    expect(fit.fits).toBe(true);
    expect(fit.limits).toBe(TRUNCATION_LEVELS[TRUNCATION_LEVELS.length - 1]);
    expect(fit.bytes).toBeLessThanOrEqual(5000);
    const oneMore = jsonBytes(builder(1000)(fit.shown + 1, fit.limits));
    expect(oneMore).toBeGreaterThan(5000);
  });

  it('falls back to no items, saying whether even that fits', () => {
    expect(fitCard(3, builder(10), 5)).toMatchObject({ shown: 0, fits: false });
    const tiny = fitCard(3, (shown) => ({ n: shown, pad: shown > 0 ? 'x'.repeat(100) : '' }), 20);
    expect(tiny).toMatchObject({ shown: 0, fits: true });
  });

  it('finds the same count as trying every count, whatever the item sizes', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let run = 0; run < 200; run++) {
      const sizes = Array.from({ length: 1 + Math.floor(random() * 120) }, () => Math.floor(random() * (random() < 0.1 ? 2000 : 200)));
      const build = (shown: number, limits: TextLimits) => ({ items: sizes.slice(0, shown).map((size) => 'x'.repeat(Math.min(size, limits.annotationChars))) });
      const maxBytes = 50 + Math.floor(random() * 8000);
      const expected = (limits: TextLimits) => {
        let shown = -1;
        while (shown < sizes.length && jsonBytes(build(shown + 1, limits)) <= maxBytes) shown++;
        return shown;
      };
      const fit = fitCard(sizes.length, build, maxBytes);
      const best = Math.max(...TRUNCATION_LEVELS.map(expected));
      expect(fit.shown).toBe(Math.max(0, best));
      expect(fit.fits).toBe(best >= 0);
      if (best >= 0) expect(fit.shown).toBe(expected(fit.limits));
    }
  });

  it('measures UTF-8 bytes, not characters', () => {
    expect(jsonBytes('告警')).toBe(8);
  });
});
