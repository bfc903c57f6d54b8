/** Problems Microsoft's Adaptive Cards library finds in a card: parse events plus property validation. */
// The package's ESM build uses extensionless imports Node cannot load; its UMD bundle works.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require("adaptivecards/dist/adaptivecards.js") as {
  AdaptiveCard: new () => {
    parse(json: unknown, context: unknown): void;
    validateProperties(): { validationEvents: Array<{ message: string }> };
  };
  SerializationContext: new () => {
    eventCount: number;
    getEventAt(i: number): { message: string };
  };
};

export function cardProblems(card: unknown): string[] {
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  parsed.parse(card, context);
  const parseEvents = Array.from(
    { length: context.eventCount },
    (_, i) => context.getEventAt(i).message,
  );
  return [...parseEvents, ...parsed.validateProperties().validationEvents.map((e) => e.message)];
}
