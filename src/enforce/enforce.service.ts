import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Ban } from '../bans/ban.types.js';
import type { Catalog } from '../catalog/catalog.types.js';
import { AppbanError, isAppbanError } from '../lib/errors.js';
import { enforcementContext } from './enforce.context.js';
import { findTarget, TARGETS } from './registry.js';
import type { Artifact, TargetManifest, TargetOutput } from './target.types.js';

export interface TargetResult {
  target: string;
  title: string;
  output?: TargetOutput;
  /** Why the target produced nothing (TARGET_NOT_APPLICABLE). */
  skipped?: string;
}

export interface Manifest {
  ban: { id: string; title: string; revision: string };
  generator: string;
  targets: TargetManifest[];
  skipped: { target: string; reason: string }[];
}

/** Runs one target, or every target for `all`; targets with nothing to express are reported, not fatal. */
export function generate(ban: Ban, catalog: Catalog, targetName: string): TargetResult[] {
  const context = enforcementContext(ban, catalog);
  const targets = targetName === 'all' ? TARGETS : [findTarget(targetName)];
  return targets.map((target) => {
    try {
      return { target: target.name, title: target.title, output: target.generate(context) };
    } catch (error) {
      if (targetName !== 'all' || !isAppbanError(error) || error.code !== 'TARGET_NOT_APPLICABLE')
        throw error;
      return { target: target.name, title: target.title, skipped: error.message };
    }
  });
}

export function buildManifest(ban: Ban, revision: string, results: TargetResult[]): Manifest {
  return {
    ban: { id: ban.id, title: ban.title, revision },
    generator: 'appban',
    targets: results.flatMap(({ target, title, output }) =>
      output
        ? [
            {
              target,
              title,
              files: output.artifacts.map((a) => ({
                name: a.fileName,
                description: a.description,
                mediaType: a.mediaType,
                sha256: sha256(a.content),
              })),
              deployTo: output.deployTo,
              requires: output.requires,
              limitations: output.limitations,
              exceptions: output.exceptions,
              notes: output.notes,
            },
          ]
        : [],
    ),
    skipped: results.flatMap(({ target, skipped }) => (skipped ? [{ target, reason: skipped }] : [])),
  };
}

/** Writes artifacts under `dir`, refusing names that would escape it. */
export async function writeArtifacts(dir: string, artifacts: Artifact[]): Promise<string[]> {
  const root = resolve(dir);
  const written: string[] = [];
  for (const artifact of artifacts) {
    const path = resolve(root, artifact.fileName);
    if (!path.startsWith(`${root}/`)) {
      throw new AppbanError('INTERNAL', `artifact name ${artifact.fileName} escapes the output directory`);
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, artifact.content);
    written.push(join(dir, artifact.fileName));
  }
  return written;
}

function sha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}
