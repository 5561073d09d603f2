// ClickHouse's Native format: one block of columns, each `name, type, data`. It is the input ClickHouse parses
// fastest — into otel_traces about as fast as an INSERT…SELECT that parses nothing, twice JSONEachRow (measured in
// ../shared/reference/ingest-limits.md) — and it is built column by column, with no row object per span.
// No npm package encodes Native (the registry's ClickHouse clients send JSON or TSV, @clickhouse/client included), so
// the few encodings the writer needs are here, as ClickHouse's serializations define them:
//   String: unsigned LEB128 byte length, UTF-8 bytes. Fixed-width numbers: little-endian.
//   Array(T): per row the cumulative element count (UInt64), then the T column of every element.
//   Map(K, V): an Array(Tuple(K, V)): cumulative pair counts, then all keys, then all values.
// Strings are written as UTF-8 by Buffer#write, which turns a lone UTF-16 surrogate into U+FFFD, as the JSON path's
// wellFormed (text.ts) does, so both paths store the same text.

/** A growing byte buffer with the Native primitives. */
export class NativeWriter {
  #buffer: Buffer;
  #length = 0;

  constructor(initialBytes: number) {
    this.#buffer = Buffer.allocUnsafe(initialBytes);
  }

  #reserve(bytes: number): void {
    const needed = this.#length + bytes;
    if (needed <= this.#buffer.length) return;
    let size = this.#buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }

  varUInt(value: number): void {
    this.#reserve(10);
    let rest = value;
    while (rest >= 0x80) {
      this.#buffer[this.#length++] = (rest & 0x7f) | 0x80;
      rest = Math.floor(rest / 128);
    }
    this.#buffer[this.#length++] = rest;
  }

  string(value: string): void {
    // At most 3 UTF-8 bytes per UTF-16 unit; short strings (the most) need one length byte, written after the text.
    const most = value.length * 3;
    if (most < 0x80) {
      this.#reserve(1 + most);
      const written = this.#buffer.write(value, this.#length + 1, 'utf8');
      this.#buffer[this.#length] = written;
      this.#length += 1 + written;
      return;
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.varUInt(bytes);
    this.#reserve(bytes);
    this.#length += this.#buffer.write(value, this.#length, 'utf8');
  }

  /** UInt64 from a safe integer (an array offset). */
  uint64(value: number): void {
    this.#reserve(8);
    this.#buffer.writeUInt32LE(value >>> 0, this.#length);
    this.#buffer.writeUInt32LE(Math.floor(value / 0x1_0000_0000), this.#length + 4);
    this.#length += 8;
  }

  uint8(value: number): void {
    this.#reserve(1);
    this.#buffer[this.#length++] = value;
  }

  uint16(value: number): void {
    this.#reserve(2);
    this.#length = this.#buffer.writeUInt16LE(value, this.#length);
  }

  uint32(value: number): void {
    this.#reserve(4);
    this.#length = this.#buffer.writeUInt32LE(value, this.#length);
  }

  float64(value: number): void {
    this.#reserve(8);
    this.#length = this.#buffer.writeDoubleLE(value, this.#length);
  }

  bigUInt64(value: bigint): void {
    this.#reserve(8);
    this.#length = this.#buffer.writeBigUInt64LE(value, this.#length);
  }

  bigInt64(value: bigint): void {
    this.#reserve(8);
    this.#length = this.#buffer.writeBigInt64LE(value, this.#length);
  }

  /** The bytes written so far (a view: valid until the next write). */
  bytes(): Buffer {
    return this.#buffer.subarray(0, this.#length);
  }
}

/** A column: its name and ClickHouse type, and the function that writes its data for the block's rows. */
export interface NativeColumn<R> {
  name: string;
  type: string;
  write(out: NativeWriter, rows: readonly R[]): void;
}

/**
 * Rows per Native block. A column pass visits every row of its block, so a block's rows must stay in the CPU's
 * caches from one column to the next: encoding otel_traces took 13.5 µs/span in blocks of 512 rows, 15.5 in 2,000 and
 * 55 in 10,000 (bench/ingest, the writer's default batch), the same bytes. The engine squashes consecutive blocks
 * of one insert back together (min_insert_block_size_rows), so small blocks cost it nothing.
 */
export const NATIVE_BLOCK_ROWS = 512;

/** A first guess of a row's size, so most blocks never grow (an otel_traces row is ~2.4 KB). */
const BLOCK_BYTES_PER_ROW = 3072;

/**
 * `rows` as consecutive Native blocks of at most `rowsPerBlock` rows, each in its own buffer: one insert's body, in
 * order. Separate buffers rather than one growing buffer: a 24 MB body written into one buffer cost twice as much
 * per span (its growth copies, and V8 collects more often under that much external memory).
 */
export function encodeNativeBlocks<R>(
  columns: readonly NativeColumn<R>[],
  rows: readonly R[],
  rowsPerBlock = NATIVE_BLOCK_ROWS,
): Buffer[] {
  const blocks: Buffer[] = [];
  for (let start = 0; start < rows.length; start += rowsPerBlock) {
    const block = rows.slice(start, start + rowsPerBlock);
    const out = new NativeWriter(block.length * BLOCK_BYTES_PER_ROW);
    out.varUInt(columns.length);
    out.varUInt(block.length);
    for (const column of columns) {
      out.string(column.name);
      out.string(column.type);
      column.write(out, block);
    }
    blocks.push(out.bytes());
  }
  return blocks;
}

// Column builders for the shapes the tables use. Each takes the row's value(s) through an accessor.

/** A column of one fixed-type value per row, written by `put`. */
function valueColumn<R, V>(
  name: string,
  type: string,
  value: (row: R) => V,
  put: (out: NativeWriter, value: V) => void,
): NativeColumn<R> {
  return {
    name,
    type,
    write(out, rows) {
      for (const row of rows) put(out, value(row));
    },
  };
}

export const stringColumn = <R>(name: string, value: (row: R) => string) =>
  valueColumn(name, 'String', value, (out, text) => out.string(text));

/** DateTime64(9) from nanoseconds since the epoch (already clamped to the type's range). */
export const dateTime64Column = <R>(name: string, nanos: (row: R) => bigint) =>
  valueColumn(name, 'DateTime64(9)', nanos, (out, ns) => out.bigInt64(ns));

export const uint64Column = <R>(name: string, value: (row: R) => bigint) =>
  valueColumn(name, 'UInt64', value, (out, n) => out.bigUInt64(n));

/** UInt8 (a 0/1 flag), UInt16: integers already inside the type's range. */
export const uint8Column = <R>(name: string, value: (row: R) => number) =>
  valueColumn(name, 'UInt8', value, (out, n) => out.uint8(n));

export const uint16Column = <R>(name: string, value: (row: R) => number) =>
  valueColumn(name, 'UInt16', value, (out, n) => out.uint16(n));

/**
 * Nullable(T): the null map (one UInt8 per row, 1 = NULL), then T for every row, 0 where NULL (ClickHouse's
 * serialization of Nullable in Native).
 */
function nullableColumn<R>(
  name: string,
  type: string,
  value: (row: R) => number | null,
  put: (out: NativeWriter, value: number) => void,
): NativeColumn<R> {
  return {
    name,
    type: `Nullable(${type})`,
    write(out, rows) {
      const values = rows.map(value);
      for (const v of values) out.uint8(v === null ? 1 : 0);
      for (const v of values) put(out, v ?? 0);
    },
  };
}

export const nullableUInt32Column = <R>(name: string, value: (row: R) => number | null) =>
  nullableColumn(name, 'UInt32', value, (out, n) => out.uint32(n));

export const nullableFloat64Column = <R>(name: string, value: (row: R) => number | null) =>
  nullableColumn(name, 'Float64', value, (out, n) => out.float64(n));

/** Per row, cumulative counts: the offsets of an Array or Map column. */
function writeOffsets<R>(out: NativeWriter, rows: readonly R[], count: (row: R) => number): void {
  let total = 0;
  for (const row of rows) {
    total += count(row);
    out.uint64(total);
  }
}

/** The pairs of a Map(String, String) value, as parallel arrays. */
export interface StringPairs {
  keys: readonly string[];
  values: readonly string[];
}

/** Map(String, String) columns write their keys and then their values: one pass each over the rows' pairs. */
function writeStringMaps(out: NativeWriter, maps: readonly StringPairs[]): void {
  writeOffsets(out, maps, (map) => map.keys.length);
  for (const map of maps) for (const key of map.keys) out.string(key);
  for (const map of maps) for (const value of map.values) out.string(value);
}

export function stringMapColumn<R>(name: string, pairs: (row: R) => StringPairs): NativeColumn<R> {
  return {
    name,
    type: 'Map(String, String)',
    write(out, rows) {
      writeStringMaps(out, rows.map(pairs));
    },
  };
}

/** Array(T) of the row's items: offsets, then T of every item through `write`. */
function arrayColumn<R, I>(
  name: string,
  itemType: string,
  items: (row: R) => readonly I[],
  writeItems: (out: NativeWriter, all: I[]) => void,
): NativeColumn<R> {
  return {
    name,
    type: `Array(${itemType})`,
    write(out, rows) {
      writeOffsets(out, rows, (row) => items(row).length);
      const all: I[] = [];
      for (const row of rows) for (const item of items(row)) all.push(item);
      writeItems(out, all);
    },
  };
}

export function stringArrayColumn<R, I>(
  name: string,
  items: (row: R) => readonly I[],
  value: (item: I) => string,
): NativeColumn<R> {
  return arrayColumn(name, 'String', items, (out, all) => {
    for (const item of all) out.string(value(item));
  });
}

export function dateTime64ArrayColumn<R, I>(
  name: string,
  items: (row: R) => readonly I[],
  nanos: (item: I) => bigint,
): NativeColumn<R> {
  return arrayColumn(name, 'DateTime64(9)', items, (out, all) => {
    for (const item of all) out.bigInt64(nanos(item));
  });
}

export function stringMapArrayColumn<R, I>(
  name: string,
  items: (row: R) => readonly I[],
  pairs: (item: I) => StringPairs,
): NativeColumn<R> {
  return arrayColumn(name, 'Map(String, String)', items, (out, all) => writeStringMaps(out, all.map(pairs)));
}
