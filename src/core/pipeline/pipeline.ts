/**
 * The one road from files to findings, for every host: the workspace index (src/workspace/build.ts),
 * `pki-lens check` (src/cli/diskScanner.ts) and the bench. Each host brings files it has read and
 * analysed (`AnalysisCache.analyzeFile`) and three callbacks: how to name a file, how to follow a
 * kubeconfig path reference to a file it holds, and where a failing rule is reported. Everything
 * else (linking, checking, de-duplication, placing ranges on lines) happens here, once, so the
 * Problems panel and the command line list the same findings.
 */
import { DocumentAnalysis } from '../analyze';
import { CheckFailure, CheckOptions, FILE_LOCAL_CHECKS, Finding, runChecks, runChecksSliced } from '../checks';
import { Pause } from '../slices';
import { Inventory } from '../inventory/model';
import { buildInventory } from '../inventory/build';
import { inventoryInputs, resolvePathCarriers } from '../inventory/inputs';

/** What the pipeline needs of a file: its analysis (the host keeps whatever else it likes beside it). */
export interface PipelineFile {
  analysis: DocumentAnalysis;
}

export interface PipelineHost<F extends PipelineFile> {
  /** The file's URI (findings are placed on it) and its path as shown to people (`pki/ca.crt`). */
  describe(file: F): { uri: string; relativePath: string };
  /**
   * A kubeconfig `client-certificate: ../pki/admin.crt` reference (trimmed), relative to `file`,
   * followed to the URI of a file among the inputs; undefined when the host holds no such file.
   */
  resolvePath(file: F, value: string): string | undefined;
  /** A rule threw; its findings are dropped and every other rule's kept. */
  onCheckFailure: CheckFailure;
  /** Hands the host's event loop a turn during linking and checking (core/slices.ts); absent: straight through. */
  pause?: Pause;
}

export interface PipelineResult {
  inventory: Inventory;
  findings: Finding[];
}

/** Link the files' material: issuers, keys, kubeconfig users and clusters, path references. */
export async function linkFiles<F extends PipelineFile>(files: readonly F[], host: PipelineHost<F>, linkIssuers = true): Promise<Inventory> {
  const uriOf = (file: F) => host.describe(file).uri;
  const inputs = await inventoryInputs(files, host.describe, host.pause);
  const resolvedPaths = await resolvePathCarriers(files, uriOf, host.resolvePath, host.pause);
  return buildInventory(inputs, { resolvedPaths, linkIssuers }, host.pause);
}

/** Every rule over a linked inventory, de-duplicated (see `runChecks`), a failing rule isolated. */
export function checkInventory<F extends PipelineFile>(inventory: Inventory, options: CheckOptions, host: Pick<PipelineHost<F>, 'onCheckFailure'>): Finding[] {
  return runChecks(inventory, options, host.onCheckFailure);
}

/** Files → inventory → findings. */
export async function runPipeline<F extends PipelineFile>(files: readonly F[], host: PipelineHost<F>, options: CheckOptions = {}): Promise<PipelineResult> {
  const inventory = await linkFiles(files, host);
  const findings = host.pause ? await runChecksSliced(inventory, options, host.onCheckFailure, host.pause) : checkInventory(inventory, options, host);
  return { inventory, findings };
}

/**
 * What can be said of some files before the rest are read: only the rules that judge a file by
 * itself (`FILE_LOCAL_CHECKS`), over the same linking and checking as `runPipeline`, so each of
 * these findings is one the complete run lists too (there with related locations added). No issuer
 * is linked: those rules need none (only an expiry's related "issued by" does, which the complete
 * run adds), and verifying the signatures between a batch's files was most of each early batch's
 * check (a batch of 96 files: 81 ms of a starting window).
 */
export async function localFindings<F extends PipelineFile>(files: readonly F[], host: PipelineHost<F>, options: CheckOptions = {}): Promise<Finding[]> {
  const inventory = await linkFiles(files, host, false);
  return host.pause
    ? runChecksSliced(inventory, options, host.onCheckFailure, host.pause, FILE_LOCAL_CHECKS)
    : runChecks(inventory, options, host.onCheckFailure, FILE_LOCAL_CHECKS);
}
