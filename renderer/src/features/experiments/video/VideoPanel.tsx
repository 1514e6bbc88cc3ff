/** The video experiment's tab (issue #6). */
export function VideoPanel() {
  return <div className="card" data-testid="video-panel" />;
}
