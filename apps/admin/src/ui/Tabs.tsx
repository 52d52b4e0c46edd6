export interface TabItem {
  id: string;
  label: string;
}

/** Segmented tab bar; the owner keeps the active id (often in the URL query). */
export function Tabs({ tabs, active, onChange }: { tabs: readonly TabItem[]; active: string; onChange(id: string): void }) {
  return (
    <div className="tabs" role="tablist">
      {tabs.map((tab) => (
        <button
          key={tab.id}
          type="button"
          role="tab"
          aria-selected={tab.id === active}
          className={`tab${tab.id === active ? ' tab-active' : ''}`}
          data-testid={`tab-${tab.id}`}
          onClick={() => onChange(tab.id)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}
