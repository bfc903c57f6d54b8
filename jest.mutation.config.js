/** Jest for mutation testing: the unit and replay tests of the core only (no local stack, no
 *  end-to-end), so each mutant is judged in seconds. */
const base = require("./jest.config.js");
module.exports = {
  ...base,
  roots: ["<rootDir>/test"],
  testMatch: [
    "<rootDir>/test/{domain,webhook,workflow,orchestrators,config,edge,notify,activities}/**/*.test.ts",
    "<rootDir>/test/pcap/{flowTable,interfaceClock,summaryFeatures,readerRobustness}.test.ts",
  ],
  maxWorkers: 1,
};
