// LOCAL DEV/TEST INFRASTRUCTURE — the local host reads the app's host.json as the Functions host does.
import * as path from "node:path";
import { readHostConfig, resolveAppSettings } from "../../../local/host/hostConfig";

const APP_DIR = path.join(__dirname, "..", "..", "..");
const BASE_ENV = {
  LOCAL_FUNCTIONS_APP_DIR: APP_DIR,
  LOCAL_FUNCTIONS_MASTER_KEY: "m",
  LOCAL_FUNCTIONS_FUNCTION_KEY: "f",
  LOCAL_FUNCTIONS_SYSTEM_KEY: "s",
  AzureWebJobsStorage: "UseDevelopmentStorage=true",
};

describe("the app's task hub comes from an app setting, one per app and slot", () => {
  test("two apps on one storage account get the hubs their settings name", () => {
    const a = readHostConfig({ ...BASE_ENV, CAPTURE_TASK_HUB: "CaptureProd" });
    const b = readHostConfig({ ...BASE_ENV, CAPTURE_TASK_HUB: "CaptureStaging" });
    expect([a.taskHub, b.taskHub]).toEqual(["CaptureProd", "CaptureStaging"]);
  });

  test("an unset setting stops the host with its name, as Azure's does (never a shared default hub)", () => {
    expect(() => readHostConfig(BASE_ENV)).toThrow(/CAPTURE_TASK_HUB is not set/);
    expect(() => readHostConfig({ ...BASE_ENV, CAPTURE_TASK_HUB: "" })).toThrow(/CAPTURE_TASK_HUB/);
  });

  test("the resolved name still has to be a valid task hub name", () => {
    expect(() => readHostConfig({ ...BASE_ENV, CAPTURE_TASK_HUB: "capture-prod" })).toThrow(
      /task hub name "capture-prod"/,
    );
  });

  test("%NAME% anywhere in the value, as the extension's name resolver does", () => {
    expect(resolveAppSettings("Hub%A%x%B%", { A: "One", B: "Two" }, "hubName")).toBe("HubOnexTwo");
    expect(resolveAppSettings("Plain", {}, "hubName")).toBe("Plain");
  });
});
