import type { CommandContext } from '../runCommand.ts';
import type { ConfigChange, ConfigSetting } from './entity.ts';
import type { ApplyNote } from './gate.ts';

/**
 * How a gated setting is re-checked and applied at approval. Each capability that owns a gated
 * setting provides one (the directory sources: sources/configChangeApplier.ts); the routes hand
 * them to approveConfigChange, so this layer needs no import of a capability above it.
 */
export interface ConfigApplier {
  setting: ConfigSetting;
  /**
   * The setting's current state as an opaque version, read under a lock that holds until the
   * approval commits; `absent` when the target does not exist.
   */
  versionOf(ctx: CommandContext, targetId: string): Promise<string>;
  /** Applies the stored change through the setting's own command code, in this transaction. */
  apply(ctx: CommandContext, change: ConfigChange, note: ApplyNote): Promise<unknown>;
}

/** The appliers of every gated setting, by setting. */
export type ConfigAppliers = Record<ConfigSetting, ConfigApplier>;
