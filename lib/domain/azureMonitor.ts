/** Facts about Azure Monitor that more than one layer needs. */

/**
 * The AZNS AAD Webhook application that Azure Monitor action groups get their secure-webhook
 * tokens as (Microsoft Learn, "Action groups": secure webhook; docs/reference §4.9).
 */
export const AZURE_MONITOR_ACTION_GROUPS_APP_ID = "461e8683-5575-4561-ac7f-899cc907d62a";
