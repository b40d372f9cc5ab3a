/**
 * A Mermaid diagram, rendered in the browser. Mermaid is large, so it is imported here only (this
 * module is in the admin chunk, and the import is dynamic on top). securityLevel 'strict' makes
 * Mermaid encode the labels and refuse click handlers and HTML: a state label an admin typed can
 * not become markup. The SVG Mermaid returns is sanitised by it (DOMPurify) before we insert it.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { Loading } from '../../components/states';
import { text } from './text';

type Mermaid = (typeof import('mermaid'))['default'];
let loading: Promise<Mermaid> | undefined;

function loadMermaid(): Promise<Mermaid> {
  loading ??= import('mermaid').then(({ default: mermaid }) => {
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'neutral', fontFamily: 'system-ui, sans-serif' });
    return mermaid;
  });
  return loading;
}

export function MermaidDiagram({ source, label }: { source: string; label: string }) {
  const id = useId().replace(/[^a-zA-Z0-9]/g, '');
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');
  const [failure, setFailure] = useState('');
  const run = useRef(0);

  useEffect(() => {
    const mine = ++run.current;
    loadMermaid()
      .then((mermaid) => mermaid.render(`mermaid-${id}-${mine}`, source))
      .then(({ svg }) => {
        // A later source (the draft changed again) wins over an earlier render that finished late.
        if (mine !== run.current || !host.current) return;
        host.current.innerHTML = svg;
        const drawn = host.current.querySelector('svg');
        drawn?.setAttribute('role', 'img');
        drawn?.setAttribute('aria-label', label);
        setState('ready');
      })
      .catch((error: unknown) => {
        if (mine !== run.current) return;
        setFailure(error instanceof Error ? error.message : String(error));
        setState('failed');
      });
  }, [source, label, id]);

  return (
    <div className="diagram">
      {state === 'loading' ? <Loading label={text.diagram.loading} /> : null}
      {state === 'failed' ? (
        <div className="state state-error" role="alert">
          <p className="state-title">{text.diagram.failed}</p>
          <p>{failure}</p>
        </div>
      ) : null}
      <div ref={host} data-testid="workflow-diagram" hidden={state !== 'ready'} />
    </div>
  );
}
