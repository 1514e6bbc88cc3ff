/** The captioning experiment's tab (issue #6). */
export function CaptioningPanel() {
  return <div className="card" data-testid="captioning-panel" />;
}
