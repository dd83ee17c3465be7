export const log = (component, message) => console.log(`[infra] ${component.padEnd(10)} ${message}`);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
