// --allow-cidr / --deny-cidr and IP bans: CIDR parsing (validate, normalise, refuse host bits) and
// matching, IPv4 and IPv6, and the flags that carry them (src/net/cidr.ts, src/config.ts).
import { BlockList } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../src/args.ts';
import { CidrSet, parseCidr, unmapped } from '../src/net/cidr.ts';

describe('parseCidr', () => {
  it('normalises IPv4 and IPv6 ranges and bare addresses', () => {
    const cases: Array<[string, string]> = [
      ['203.0.113.0/24', '203.0.113.0/24'],
      ['203.0.113.7', '203.0.113.7/32'],
      [' 10.0.0.0/8 ', '10.0.0.0/8'],
      ['0.0.0.0/0', '0.0.0.0/0'],
      ['2001:DB8::/32', '2001:db8::/32'],
      ['2001:db8:0:0:0:0:0:1', '2001:db8::1/128'],
      ['::1', '::1/128'],
      ['::', '::/128'],
      ['::/0', '::/0'],
      ['fe80::/10', 'fe80::/10'],
      ['2001:db8:0:1:0:0:0:0/64', '2001:db8:0:1::/64'],
      // RFC 5952 4.2.3: the longest run of zeros is compressed, the first one on a tie.
      ['1:0:0:1:0:0:0:1', '1:0:0:1::1/128'],
      ['1:0:0:1:0:0:1:1', '1::1:0:0:1:1/128'],
      ['::ffff:192.0.2.1', '::ffff:c000:201/128'],
    ];
    for (const [raw, text] of cases) expect(parseCidr(raw).text, raw).toBe(text);
  });

  it('refuses what is not an address or range, a prefix out of range, host bits set', () => {
    const bad = [
      '',
      'localhost',
      '300.1.1.1',
      '1.2.3',
      '1.2.3.4/33',
      '1.2.3.4/-1',
      '1.2.3.4/',
      '1.2.3.4/8',
      '203.0.113.7/24',
      '2001:db8::1/32',
      '::1/129',
      '2001:db8::/0x20',
      'fe80::1%eth0',
      '1.2.3.4/24/1',
      '1.2.3.0/24 ',
    ];
    for (const raw of bad.slice(0, -1)) expect(() => parseCidr(raw), raw).toThrow(/wants|host bits/);
    // Surrounding space is trimmed: the last one is fine.
    expect(parseCidr(bad.at(-1)!).text).toBe('1.2.3.0/24');
    expect(() => parseCidr('203.0.113.7/24')).toThrow(/host bits set after \/24/);
  });
});

describe('parseCidr properties (fast-check, 10^4 runs each)', () => {
  const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
  const v6 = fc.ipV6();

  it('any string: a Cidr or an Error with a message, never another throw', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((x) => `${x}/${x.length}`),
          v6,
          v4,
        ),
        (raw) => {
          try {
            const c = parseCidr(raw);
            expect(c.text).toBe(`${c.network}/${c.prefix}`);
          } catch (e) {
            expect(e).toBeInstanceOf(Error);
            expect((e as Error).message).toMatch(/wants|host bits/);
          }
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('a valid range normalises to a fixed point that node’s BlockList agrees with', () => {
    const arb = fc.oneof(
      fc.tuple(v4, fc.nat(32)).map(([a, p]) => ({ a, p, family: 'ipv4' as const })),
      fc.tuple(v6, fc.nat(128)).map(([a, p]) => ({ a, p, family: 'ipv6' as const })),
    );
    let ranges = 0;
    fc.assert(
      fc.property(arb, ({ a, p, family }) => {
        let c: ReturnType<typeof parseCidr>;
        try {
          c = parseCidr(`${a}/${p}`);
        } catch (e) {
          // Only host bits can be wrong with a valid address and prefix: then the /max form is fine.
          expect((e as Error).message).toMatch(/host bits/);
          c = parseCidr(a);
          expect(c.prefix).toBe(family === 'ipv4' ? 32 : 128);
        }
        ranges++;
        expect(parseCidr(c.text)).toEqual(c);
        const list = new BlockList();
        list.addSubnet(c.network, c.prefix, family);
        expect(list.check(a, family)).toBe(true);
        expect(new CidrSet([c]).has(a)).toBe(true);
      }),
      { numRuns: 10_000 },
    );
    expect(ranges).toBe(10_000);
  });
});

describe('CidrSet', () => {
  it('matches IPv4, IPv6 and IPv4-mapped IPv6 peers; never garbage', () => {
    const set = new CidrSet(['203.0.113.0/24', '2001:db8::/32'].map(parseCidr));
    expect(set.has('203.0.113.200')).toBe(true);
    expect(set.has('::ffff:203.0.113.9')).toBe(true);
    expect(set.has('203.0.114.1')).toBe(false);
    expect(set.has('2001:db8:ffff::1')).toBe(true);
    expect(set.has('2001:db9::1')).toBe(false);
    for (const junk of ['', 'unknown', '203.0.113', '::ffff:x']) expect(set.has(junk)).toBe(false);
    expect(unmapped('::FFFF:10.0.0.1')).toBe('10.0.0.1');
    expect(new CidrSet([]).has('203.0.113.1')).toBe(false);
  });
});

describe('--allow-cidr / --deny-cidr / --channel-creation flags', () => {
  it('repeatable flags and env lists parse into CIDRs; a bad one names the flag', () => {
    const r = parseArgs(['--allow-cidr', '10.0.0.0/8', '--allow-cidr=2001:db8::/32,192.0.2.1'], {
      SEALPEER_DENY_CIDR: '10.1.0.0/16',
    });
    if (r.help) throw new Error('help');
    expect(r.config.allowCidrs.map((c) => c.text)).toEqual(['10.0.0.0/8', '2001:db8::/32', '192.0.2.1/32']);
    expect(r.config.denyCidrs.map((c) => c.text)).toEqual(['10.1.0.0/16']);
    expect(() => parseArgs(['--deny-cidr', '10.0.0.1/8'], {})).toThrow(/--deny-cidr .*host bits/);
    expect(() => parseArgs([], { SEALPEER_ALLOW_CIDR: 'nope' })).toThrow(
      /SEALPEER_ALLOW_CIDR: --allow-cidr wants/,
    );
  });

  it('--channel-creation token needs --channel-token-file; other values are refused', () => {
    expect(() => parseArgs(['--channel-creation', 'token'], {})).toThrow(UsageError);
    expect(() => parseArgs(['--channel-creation', 'token'], {})).toThrow(/--channel-token-file/);
    expect(() => parseArgs(['--channel-creation', 'closed'], {})).toThrow(/wants open or token/);
    const r = parseArgs(['--channel-creation', 'token'], { SEALPEER_CHANNEL_TOKEN_FILE: '/etc/t' });
    if (r.help) throw new Error('help');
    expect(r.config).toMatchObject({ channelCreation: 'token', channelTokenFile: '/etc/t' });
  });
});
