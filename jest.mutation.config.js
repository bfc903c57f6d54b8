/** Jest for mutation testing: the unit and replay tests of the core only (no local stack, no
 *  end-to-end), so each mutant is judged in seconds. */
const base = require("./jest.config.js");
module.exports = {
  ...base,
  // Sources are roots too: Stryker's findRelatedTests follows imports only through files jest's
  // haste map knows, so with test/ alone a module no test imports directly (lib/config/allowLists,
  // most of lib/workflow) got no tests at all and every mutant in it "survived".
  roots: ["<rootDir>/test", "<rootDir>/lib", "<rootDir>/orchestrators", "<rootDir>/activities"],
  testMatch: [
    "<rootDir>/test/{domain,webhook,workflow,orchestrators,config,edge,notify,activities}/**/*.test.ts",
    "<rootDir>/test/pcap/{flowTable,interfaceClock,summaryFeatures,readerRobustness}.test.ts",
  ],
  maxWorkers: 1,
};
