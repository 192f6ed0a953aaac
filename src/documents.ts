import type * as vscode from 'vscode';

/**
 * Documents PKI Lens reads, on the desktop and on the web: files on disk and in remote or virtual
 * workspaces (github.dev's `vscode-vfs`, @vscode/test-web's mounted folder) and unsaved buffers.
 */
export const DOCUMENTS: vscode.DocumentSelector = [
  { scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-vfs' }, { scheme: 'vscode-remote' }, { scheme: 'vscode-test-web' },
];
