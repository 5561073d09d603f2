// Floor 1: React renders one element — what any React page costs to open in this browser on this machine.
/// <reference lib="dom" />
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

const root = document.getElementById('root');
if (root) createRoot(root).render(createElement('div', { 'data-testid': 'floor' }, 'React'));
