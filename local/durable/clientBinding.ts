// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * URLs the Durable extension hands out: the `durableClient` binding payload and the check-status
 * links (HttpApiHandler.GetClientResponseLinks / GetInstanceCreationLinks).
 */
import type { DurableClientBinding } from "../runtimeContracts";

export const webhookPath = "/runtime/webhooks/durabletask";
const idPlaceholder = "INSTANCEID";

export interface LinkSettings {
  taskHub: string;
  systemKey: string;
  /** The connection app setting name the extension reports (AzureWebJobsStorage → "Storage"). */
  connectionName: string;
}

function querySuffix(settings: LinkSettings): string {
  return `taskHub=${encodeURIComponent(settings.taskHub)}&connection=${encodeURIComponent(settings.connectionName)}&code=${encodeURIComponent(settings.systemKey)}`;
}

/** The check-status links for one instance, rooted at `origin` (the caller's, as the extension does). */
export function managementPayload(
  origin: string,
  instanceId: string,
  settings: LinkSettings,
): Record<string, string> {
  const instance = `${origin}${webhookPath}/instances/${encodeURIComponent(instanceId)}`;
  const query = querySuffix(settings);
  return {
    id: instanceId,
    statusQueryGetUri: `${instance}?${query}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${instance}?${query}`,
    restartPostUri: `${instance}/restart?${query}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
    resumePostUri: `${instance}/resume?reason={text}&${query}`,
  };
}

/** The body of a 202 check-status response (CreateCheckStatusResponseMessage). */
export function checkStatusBody(
  origin: string,
  instanceId: string,
  settings: LinkSettings,
): Record<string, string> {
  const links = managementPayload(origin, instanceId, settings);
  return {
    id: instanceId,
    statusQueryGetUri: links.statusQueryGetUri as string,
    sendEventPostUri: links.sendEventPostUri as string,
    terminatePostUri: links.terminatePostUri as string,
    purgeHistoryDeleteUri: links.purgeHistoryDeleteUri as string,
    restartPostUri: links.restartPostUri as string,
    suspendPostUri: links.suspendPostUri as string,
    resumePostUri: links.resumePostUri as string,
  };
}

export function durableClientBinding(
  baseUrl: string,
  rpcBaseUrl: string,
  settings: LinkSettings,
): DurableClientBinding {
  const base = `${baseUrl}${webhookPath}`;
  const code = `code=${encodeURIComponent(settings.systemKey)}`;
  const creation = `${base}/orchestrators/{functionName}[/{instanceId}]`;
  return {
    taskHubName: settings.taskHub,
    creationUrls: {
      createNewInstancePostUri: `${creation}?${code}`,
      createAndWaitOnNewInstancePostUri: `${creation}?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${code}`,
    },
    managementUrls: managementPayload(baseUrl, idPlaceholder, settings),
    baseUrl: base,
    requiredQueryStringParameters: code,
    rpcBaseUrl,
    httpBaseUrl: `${baseUrl}${webhookPath}/`,
  };
}
