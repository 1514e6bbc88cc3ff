/** The pretrain experiment's tab (issue #6). */
export function PretrainPanel() {
  return <div className="card" data-testid="pretrain-panel" />;
}
