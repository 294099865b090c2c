/**
 * senhasegura sends session times as `YYYY-MM-DD HH:MM:SS` in the appliance's local time, without a
 * zone. The module reports ISO 8601 with an offset for every vendor, so the zone has to come from the
 * user: `SENHASEGURA_TIME_ZONE` (an IANA name such as `America/Sao_Paulo`, `UTC`, or `+03:00`).
 * Choice: without it, the zone of the machine running the module is assumed since the API gives no way to read the appliance's zone.
 */

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/** True when `tz` is `UTC`, `Z`, `±HH:MM` or an IANA zone name known to this Node. */
export function isValidTimeZone(tz: string): boolean {
  if (/^(utc|z)$/i.test(tz) || OFFSET.test(tz)) return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Offset in minutes east of UTC of zone `tz` at the instant `utcMs`. */
function offsetMinutes(tz: string | undefined, utcMs: number): number {
  if (tz === undefined) return -new Date(utcMs).getTimezoneOffset();
  if (/^(utc|z)$/i.test(tz)) return 0;
  const m = OFFSET.exec(tz);
  if (m) return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(new Date(utcMs))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((asUtc - utcMs) / 60_000);
}

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * `2026-01-05 09:12:00` in zone `tz` → `2026-01-05T09:12:00+03:00`. Strings that already carry a zone
 * are normalised through Date; anything unparseable is returned undefined (never a guessed time).
 */
export function senhaseguraStartToIso(local: string | undefined, tz?: string): string | undefined {
  if (local === undefined || local.trim() === "" || /^0000-00-00/.test(local)) return undefined;
  const m = LOCAL.exec(local.trim());
  if (!m) {
    const d = new Date(local);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0));
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  // Two passes: the offset at the wall time, then at the corrected instant (DST edges).
  let off = offsetMinutes(tz, wall);
  off = offsetMinutes(tz, wall - off * 60_000);
  const sign = off < 0 ? "-" : "+";
  const abs = Math.abs(off);
  return `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
