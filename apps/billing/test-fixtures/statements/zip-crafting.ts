/**
 * Hand-made ZIP archives for the XLSX reader's limits: each entry's content is streamed through deflate chunk by
 * chunk (a gigabyte bomb costs the test a few megabytes), and the central directory may declare any size for it.
 */
import { createDeflateRaw, crc32 } from 'node:zlib';
import { fromBuffer, type Entry } from 'yauzl';

export interface CraftedEntry {
  name: string;
  /** The uncompressed content, produced lazily so a huge entry is never held whole. */
  chunks: () => Iterable<Buffer>;
  /** The uncompressed size written in the headers; the real size when omitted. A lie is the point of a bomb. */
  declaredSize?: number;
}

async function deflate(chunks: Iterable<Buffer>): Promise<{ data: Buffer; crc: number; size: number }> {
  const deflater = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflater.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    deflater.on('end', resolve);
    deflater.on('error', reject);
  });
  let crc = 0;
  let size = 0;
  for (const chunk of chunks) {
    crc = crc32(chunk, crc);
    size += chunk.length;
    if (!deflater.write(chunk)) await new Promise((r) => deflater.once('drain', r));
  }
  deflater.end();
  await done;
  return { data: Buffer.concat(out), crc, size };
}

export async function craftZip(entries: CraftedEntry[]): Promise<Buffer> {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const { data, crc, size } = await deflate(entry.chunks());
    const declared = entry.declaredSize ?? size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(declared, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The entries of a (small, trusted) archive, whole, to repackage a real workbook with parts replaced or added. */
export async function zipEntries(content: Buffer): Promise<CraftedEntry[]> {
  const zip = await new Promise<import('yauzl').ZipFile>((resolve, reject) => fromBuffer(content, { lazyEntries: true }, (e, z) => (e ? reject(e) : resolve(z))));
  const entries: CraftedEntry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: Entry) =>
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const parts: Buffer[] = [];
        stream.on('data', (c: Buffer) => parts.push(c));
        stream.on('end', () => {
          const whole = Buffer.concat(parts);
          entries.push({ name: entry.fileName, chunks: () => [whole] });
          zip.readEntry();
        });
      }),
    );
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return entries;
}

/** `count` chunks of the same bytes, never materialised together. */
export function* repeated(piece: string | Buffer, count: number): Iterable<Buffer> {
  const chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
  for (let i = 0; i < count; i++) yield chunk;
}
