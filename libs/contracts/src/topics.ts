/** Topic names on the wire. They never change: a breaking change is a new `.v2` topic. */
export const TOPICS = {
  alerts: 'alertlark.alerts.v1',
  notifications: 'alertlark.notifications.v1',
  deliveries: 'alertlark.deliveries.v1',
  config: 'alertlark.config.v1',
  deadLetter: 'alertlark.dead-letter.v1',
  /** What happened to each alert, for the console's history (projected into MongoDB). */
  alertHistory: 'alertlark.alert-history.v1',
  /** Claims, resolves and silences asked for from the chat or the console, and the router's decisions. */
  actions: 'alertlark.actions.v1',
} as const;
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];
