/**
 * Registers an activity's implementation against its contract, with what every activity needs —
 * validated settings and the Azure clients built from them — so each activity file holds only
 * its own logic. A settings problem is permanent (retrying will not fix a typo in the portal)
 * and names the setting.
 */
import type { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { failed, type ActivityResult } from "../domain/activityResult";
import { readActivitySettings, type ActivitySettings } from "../config/appSettings";
import { azureClients, type AzureClients } from "../azure/clients";
import { redactSecrets } from "../logging/redact";
import type { ActivityContract } from "./activityContract";

export interface ActivityEnv {
  settings: ActivitySettings;
  clients: AzureClients;
  log: (message: string) => void;
}

export type ActivityLogic<I, O> = (input: I, env: ActivityEnv) => Promise<ActivityResult<O>>;

export function defineActivity<I, O>(
  contract: ActivityContract<I, O>,
  logic: ActivityLogic<I, O>,
): ActivityLogic<I, O> {
  const { name } = contract;
  df.app.activity(name, {
    handler: async (input: unknown, context: InvocationContext): Promise<ActivityResult<O>> => {
      const settings = readActivitySettings();
      if (!settings.ok) {
        return failed(
          "Misconfigured",
          settings.message,
          "Fix the function app's application settings, then re-run.",
        );
      }
      // Activities log Azure error texts and blob paths that may carry a SAS; in Azure nothing downstream masks them.
      const env: ActivityEnv = {
        settings: settings.value,
        clients: azureClients(settings.value),
        log: (m) => context.log(`${name}: ${redactSecrets(m)}`),
      };
      return logic(input as I, env);
    },
  });
  return logic;
}
