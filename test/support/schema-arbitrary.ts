// fast-check arbitraries from an OpenAPI schema: every value the schema allows is fair game (all
// properties optional unless required, any string where only the type is given), so a client fed
// with them meets what a provider may lawfully send, not what our sandbox happens to.
import fc from 'fast-check';
import { deref, type Spec } from './official-spec-mock.ts';

export function arbitraryOf(spec: Spec, node: Spec, depth = 0): fc.Arbitrary<unknown> {
  const s = deref(spec, node);
  if (s.enum) return fc.constantFrom(...(s.enum as unknown[]));
  const withExample = (a: fc.Arbitrary<unknown>) =>
    s.example === undefined ? a : fc.oneof(fc.constant(s.example as unknown), a);
  switch (s.type) {
    case 'integer':
      return withExample(fc.integer({ min: -(2 ** 31) + 1, max: 2 ** 31 - 1 }));
    case 'number':
      return withExample(
        s.format === 'int32'
          ? fc.integer({ min: -(2 ** 31) + 1, max: 2 ** 31 - 1 })
          : fc.double({ noNaN: true }),
      );
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(arbitraryOf(spec, s.items as Spec, depth + 1), { maxLength: depth > 2 ? 1 : 4 });
    case 'string':
      return withExample(
        s.format === 'DateTime' || s.format === 'date-time'
          ? fc
              .tuple(
                fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
                fc.constantFrom('Z', '+01:00', '+0100', '-0530'),
              )
              .map(([d, z]) => d.toISOString().replace('Z', z))
          : fc.string({ maxLength: 12 }),
      );
    default: {
      const props = Object.entries((s.properties ?? {}) as Spec);
      const required = (s.required ?? []) as string[];
      return fc.record(
        Object.fromEntries(props.map(([k, v]) => [k, arbitraryOf(spec, v as Spec, depth + 1)])),
        {
          requiredKeys: required.filter((k) => props.some(([p]) => p === k)),
        },
      );
    }
  }
}
