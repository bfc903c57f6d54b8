import { untrustedBlobReason } from "../../lib/domain/blobLocation";
import { azureClients } from "../../lib/azure/clients";
import { isTransient } from "../../lib/azure/armErrors";
import { readActivitySettings } from "../../lib/config/appSettings";

const SUB = "6d3e1f0a-2b4c-4d5e-8f90-a1b2c3d4e5f6";
const account = (name: string) =>
  `/subscriptions/${SUB}/resourceGroups/caps-rg/providers/Microsoft.Storage/storageAccounts/${name}`;
const TRUSTED = { accountIds: [account("stcaps"), account("STOTHER")] };
const CAP = "network-watcher-logs/subscriptions/x/vm/2026/11/29/packetcapture_02_00_00_000.cap";

describe("capture blobs the app may read with its identity (issue 18.9)", () => {
  test.each([
    `https://stcaps.blob.core.windows.net/${CAP}`,
    `https://STCAPS.blob.core.windows.net/${CAP}`,
    `https://stother.blob.core.windows.net/${CAP}`,
    `https://stcaps.blob.core.usgovcloudapi.net/${CAP}`,
  ])("%s is trusted", (url) => {
    expect(untrustedBlobReason(url, TRUSTED)).toBeUndefined();
  });

  test.each([
    [`https://attacker.example/${CAP}`, "host attacker.example is not the blob endpoint"],
    [`https://stcaps.blob.core.windows.net.attacker.example/${CAP}`, "is not the blob endpoint"],
    [`https://stevil.blob.core.windows.net/${CAP}`, "host stevil.blob.core.windows.net is not"],
    [`http://stcaps.blob.core.windows.net/${CAP}`, "not an https URL"],
    [`https://stcaps.blob.core.windows.net:8443/${CAP}`, "not an https URL on the default port"],
    [`https://user:pw@stcaps.blob.core.windows.net/${CAP}`, "carries credentials"],
    [
      "https://stcaps.blob.core.windows.net/other-container/x.cap",
      "not in the network-watcher-logs",
    ],
    [
      "https://stcaps.blob.core.windows.net/network-watcher-logs/",
      "not in the network-watcher-logs",
    ],
    ["not a url", "not a URL"],
  ])("%s is refused: %s", (url, reason) => {
    expect(untrustedBlobReason(url, TRUSTED)).toContain(reason);
  });

  test("with no allowed account nothing is trusted", () => {
    expect(
      untrustedBlobReason(`https://stcaps.blob.core.windows.net/${CAP}`, { accountIds: [] }),
    ).toContain("is not the blob endpoint");
  });

  test("on the local runtime only the connection string's endpoint and container are trusted", () => {
    const local = { accountIds: [], localEndpoint: "http://127.0.0.1:10000/devstoreaccount1" };
    expect(
      untrustedBlobReason(`http://127.0.0.1:10000/devstoreaccount1/${CAP}`, local),
    ).toBeUndefined();
    expect(untrustedBlobReason(`http://127.0.0.1:10001/devstoreaccount1/${CAP}`, local)).toContain(
      "local blob endpoint",
    );
    expect(untrustedBlobReason(`http://127.0.0.1:10000/otheraccount/${CAP}`, local)).toContain(
      "local blob endpoint",
    );
    expect(
      untrustedBlobReason("http://127.0.0.1:10000/devstoreaccount1/other/x.cap", local),
    ).toContain("container");
  });

  test("the one client factory refuses an untrusted blob before any request, as a permanent error", async () => {
    const settings = readActivitySettings({ CAPTURE_STORAGE_ACCOUNT_ID: account("stcaps") });
    if (!settings.ok) throw new Error(settings.message);
    const clients = azureClients(settings.value);
    let refusal: unknown;
    try {
      clients.blob(`https://attacker.example/${CAP}`);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ name: "UntrustedBlobUrl" });
    expect(isTransient(refusal)).toBe(false);
    await expect(clients.downloadLink(`https://attacker.example/${CAP}`, 60)).rejects.toMatchObject(
      {
        name: "UntrustedBlobUrl",
      },
    );
    expect(clients.blob(`https://stcaps.blob.core.windows.net/${CAP}`).url).toBe(
      `https://stcaps.blob.core.windows.net/${CAP}`,
    );
  });

  test("the China cloud's blob endpoint is trusted for an allowed account", () => {
    expect(
      untrustedBlobReason(`https://stcaps.blob.core.chinacloudapi.cn/${CAP}`, TRUSTED),
    ).toBeUndefined();
  });

  test("a local endpoint given with a trailing slash, and a container with no blob in it", () => {
    const local = { accountIds: [], localEndpoint: "http://127.0.0.1:10000/devstoreaccount1/" };
    expect(
      untrustedBlobReason(`http://127.0.0.1:10000/devstoreaccount1/${CAP}`, local),
    ).toBeUndefined();
    expect(
      untrustedBlobReason("http://127.0.0.1:10000/devstoreaccount1/network-watcher-logs/", local),
    ).toBe("the storage path is not in the network-watcher-logs container");
    expect(untrustedBlobReason(`http://127.0.0.1:10000/devstoreaccount10/${CAP}`, local)).toBe(
      "the storage path is not on the local blob endpoint http://127.0.0.1:10000/devstoreaccount1",
    );
  });
});
