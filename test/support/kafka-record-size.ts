/**
 * Bytes of a Kafka record batch (format v2, uncompressed) holding one record: what the
 * broker compares with the topic's `max.message.bytes`. A batch header of 61 bytes
 * (including the 12-byte log overhead), then the record with zig-zag varint lengths.
 */
export function recordBatchBytes(key: string | null, value: string | null, headers: Record<string, string> = {}): number {
  const field = (text: string | null) => (text === null ? varintBytes(-1) : varintBytes(Buffer.byteLength(text)) + Buffer.byteLength(text));
  const entries = Object.entries(headers);
  const body =
    1 + // attributes
    varintBytes(0) + // timestamp delta
    varintBytes(0) + // offset delta
    field(key) +
    field(value) +
    varintBytes(entries.length) +
    entries.reduce((sum, [name, text]) => sum + field(name) + field(text), 0);
  return 61 + varintBytes(body) + body;
}

function varintBytes(value: number): number {
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
  let bytes = 1;
  while (zigzag >= 128) {
    zigzag = Math.floor(zigzag / 128);
    bytes += 1;
  }
  return bytes;
}
