import { fromBuffer, type Entry, type ZipFile } from 'yauzl';
import type { Readable } from 'node:stream';
import { StatementFormatError } from './types';

/**
 * What an XLSX statement may hold before anything is parsed. The archive's own figures (entry sizes in its central
 * directory) are written by whoever made the file, so they are only a hint: every entry is inflated here as a stream,
 * its bytes counted and thrown away, and the walk stops the moment a limit is passed. Nothing is kept, so memory stays
 * at a few inflate windows whatever the archive claims.
 */
export interface XlsxLimits {
  /** Bytes actually inflated, summed over all entries (the statement's real size). */
  maxUnpackedBytes: number;
  /** A bank export has about a dozen entries; thousands are a crafted archive (and cost per-entry memory in exceljs). */
  maxEntries: number;
  /** Worksheet XML nests about 5 deep; the parser's element stack grows with depth. */
  maxXmlDepth: number;
  /** exceljs keeps every shared string as its own object: a sheet of tiny strings costs far more than its bytes. */
  maxSharedStrings: number;
}

export const XLSX_LIMITS: XlsxLimits = {
  maxUnpackedBytes: 48 * 1024 * 1024,
  maxEntries: 200,
  maxXmlDepth: 32,
  maxSharedStrings: 1_000_000,
};

const mb = (bytes: number) => Math.ceil(bytes / 1024 / 1024);
const SPLIT_ADVICE = '请按月份拆分后分别导入，或导出为 CSV 格式';
const corrupt = () => new StatementFormatError('XLSX 文件无法打开：文件可能已损坏');

/** Reason the walk stopped early; carried through stream errors so it is not mistaken for corruption. */
class Refusal extends Error {
  constructor(readonly error: StatementFormatError) {
    super(error.message);
  }
}

const enum S {
  Text,
  Lt,
  Open,
  InTag,
  Dq,
  Sq,
  Close,
  Bang,
  Pi,
  Comment,
  Cdata,
}

/**
 * Streaming depth and shared-string counter over XML bytes (UTF-8 never puts ASCII bytes inside a multi-byte character,
 * so a byte scan is exact). It only tracks markup: quoted attribute values, comments, CDATA and processing
 * instructions are skipped so a `>` inside them is not taken for the end of a tag. A DOCTYPE is refused outright: XLSX
 * parts never carry one, and it is how entity-expansion bombs start.
 */
export class XmlShapeScanner {
  private state = S.Text;
  private depth = 0;
  private slash = false;
  private name = '';
  private tail = '';
  /** Elements named `si` (shared-string items), counted as they open. */
  sharedStrings = 0;

  constructor(
    private readonly entry: string,
    private readonly limits: Pick<XlsxLimits, 'maxXmlDepth' | 'maxSharedStrings'>,
  ) {}

  write(chunk: Buffer): void {
    for (let i = 0; i < chunk.length; i++) this.step(chunk[i]);
  }

  private open(): void {
    this.depth++;
    if (this.depth > this.limits.maxXmlDepth) {
      throw new Refusal(new StatementFormatError(`XLSX 文件中 ${this.entry} 的 XML 嵌套超过 ${this.limits.maxXmlDepth} 层：不是银行导出的对账单，请重新导出后再导入`));
    }
  }

  private named(): void {
    const local = this.name.slice(this.name.indexOf(':') + 1);
    if (local === 'si' && ++this.sharedStrings > this.limits.maxSharedStrings) {
      throw new Refusal(new StatementFormatError(`XLSX 文件中的共享字符串超过 ${this.limits.maxSharedStrings} 个的上限：${SPLIT_ADVICE}`));
    }
  }

  private step(b: number): void {
    switch (this.state) {
      case S.Text:
        if (b === 0x3c) this.state = S.Lt;
        return;
      case S.Lt:
        if (b === 0x2f) this.state = S.Close;
        else if (b === 0x21) {
          this.state = S.Bang;
          this.tail = '';
        }
        else if (b === 0x3f) {
          this.state = S.Pi;
          this.tail = '';
        }
        else {
          this.open();
          this.name = String.fromCharCode(b);
          this.state = S.Open;
        }
        return;
      case S.Open:
        // The element name runs to whitespace, `/` or `>`.
        if (b === 0x3e || b === 0x2f || b <= 0x20) {
          this.named();
          this.state = S.InTag;
          this.slash = false;
          this.step(b);
        } else if (this.name.length < 16) this.name += String.fromCharCode(b);
        return;
      case S.InTag:
        if (b === 0x22) this.state = S.Dq;
        else if (b === 0x27) this.state = S.Sq;
        else if (b === 0x3e) {
          if (this.slash) this.depth--;
          this.state = S.Text;
        }
        this.slash = b === 0x2f;
        return;
      case S.Dq:
        if (b === 0x22) this.state = S.InTag;
        return;
      case S.Sq:
        if (b === 0x27) this.state = S.InTag;
        return;
      case S.Close:
        if (b === 0x3e) {
          this.depth--;
          this.state = S.Text;
        }
        return;
      case S.Bang:
        this.tail += String.fromCharCode(b);
        if (this.tail === '--') {
          this.state = S.Comment;
          this.tail = '';
        }
        else if (this.tail === '[CDATA[') {
          this.state = S.Cdata;
          this.tail = '';
        }
        else if (!'--'.startsWith(this.tail) && !'[CDATA['.startsWith(this.tail)) {
          throw new Refusal(new StatementFormatError(`XLSX 文件中 ${this.entry} 含有 DTD 声明：不是银行导出的对账单，请重新导出后再导入`));
        }
        return;
      case S.Pi:
      case S.Comment:
      case S.Cdata: {
        const end = this.state === S.Pi ? '?>' : this.state === S.Comment ? '-->' : ']]>';
        this.tail = (this.tail + String.fromCharCode(b)).slice(-end.length);
        if (this.tail === end) {
          this.state = S.Text;
          this.tail = '';
        }
        return;
      }
    }
  }
}

function openZip(content: Buffer): Promise<ZipFile> {
  // Sizes are checked here against the bytes actually inflated, so yauzl's own check (which trusts nothing either, but
  // reports it as a generic error) is left off to give one clear message.
  return new Promise((resolve, reject) => fromBuffer(content, { lazyEntries: true, validateEntrySizes: false }, (err, z) => (err ? reject(err) : resolve(z))));
}

function openEntry(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, stream) => (err ? reject(err) : resolve(stream))));
}

/**
 * Inflates every entry of the archive as a stream, counting what comes out, and refuses it (StatementFormatError, in
 * Chinese) as soon as it passes a limit: real unpacked size, number of entries, XML depth, shared strings. Returns the
 * real unpacked size of an archive within the limits.
 */
export async function inspectXlsxArchive(content: Buffer, limits: XlsxLimits = XLSX_LIMITS): Promise<number> {
  let zip: ZipFile;
  try {
    zip = await openZip(content);
  } catch {
    throw corrupt();
  }
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw new StatementFormatError(`XLSX 文件包含 ${zip.entryCount} 个部件，超过 ${limits.maxEntries} 个的上限：不是银行导出的对账单，请重新导出后再导入`);
  }
  let total = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        const xml = /\.(xml|rels|vml)$/i.test(entry.fileName) ? new XmlShapeScanner(entry.fileName, limits) : undefined;
        openEntry(zip, entry).then((stream) => {
          let own = 0;
          stream.on('data', (chunk: Buffer) => {
            try {
              own += chunk.length;
              total += chunk.length;
              if (total > limits.maxUnpackedBytes) {
                throw new Refusal(new StatementFormatError(`XLSX 文件实际解压超过 ${mb(limits.maxUnpackedBytes)} MB 的上限（约 12 万行）：${SPLIT_ADVICE}`));
              }
              xml?.write(chunk);
            } catch (e) {
              stream.destroy();
              reject(e);
            }
          });
          stream.on('error', reject);
          stream.on('end', () => {
            // A declared size that differs from the real one is a hand-made archive; exceljs's zip reader would trust it.
            if (own !== entry.uncompressedSize) return reject(corrupt());
            zip.readEntry();
          });
        }, reject);
      });
      zip.readEntry();
    });
  } catch (e) {
    zip.close();
    if (e instanceof Refusal) throw e.error;
    if (e instanceof StatementFormatError) throw e;
    throw corrupt();
  }
  return total;
}
