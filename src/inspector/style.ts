// The inspector's look, shared by the element's shadow root and the DevTools panel page.

export const STYLE = `
.switchboard-inspector { font: 12px/1.4 system-ui, sans-serif; color: #1f1f1f; background: #fff; padding: 8px; }
.switchboard-inspector header { display: flex; gap: 8px; align-items: baseline; }
.switchboard-inspector h3 { font-size: 12px; margin: 10px 0 4px; }
.switchboard-inspector .status { padding: 1px 6px; border-radius: 8px; background: #e8eaed; }
.switchboard-inspector .status.connected { background: #ceead6; color: #0d652d; }
.switchboard-inspector .status.connecting, .switchboard-inspector .status.waiting { background: #feefc3; color: #7a4f01; }
.switchboard-inspector .status.closed { background: #fad2cf; color: #a50e0e; }
.switchboard-inspector [data-field="note"] { color: #5f6368; }
.switchboard-inspector .actions { margin: 6px 0; display: flex; gap: 4px; flex-wrap: wrap; }
.switchboard-inspector dl { display: grid; grid-template-columns: repeat(auto-fill, minmax(14em, 1fr)); gap: 2px 12px; margin: 0; }
.switchboard-inspector dl div { display: flex; gap: 6px; }
.switchboard-inspector dt { color: #5f6368; }
.switchboard-inspector dd { margin: 0; overflow-wrap: anywhere; }
.switchboard-inspector table { border-collapse: collapse; width: 100%; }
.switchboard-inspector th, .switchboard-inspector td { text-align: left; padding: 2px 6px; border-bottom: 1px solid #e8eaed; overflow-wrap: anywhere; }
.switchboard-inspector tr.connected { background: #e6f4ea; font-weight: 600; }
.switchboard-inspector tr.attempt { background: #fef7e0; }
.switchboard-inspector .timeline { list-style: none; margin: 0; padding: 0; max-height: 16em; overflow: auto; font-family: ui-monospace, monospace; }
.switchboard-inspector .timeline li { padding: 1px 0; border-bottom: 1px solid #f1f3f4; overflow-wrap: anywhere; }
.switchboard-inspector .timeline time { color: #5f6368; margin-right: 6px; }
.switchboard-inspector .timeline .connectFailed b, .switchboard-inspector .timeline .disconnected b,
.switchboard-inspector .timeline .failed b, .switchboard-inspector .timeline .error b, .switchboard-inspector .timeline .gap b { color: #a50e0e; }
.switchboard-inspector .timeline .connected b { color: #0d652d; }
`;
