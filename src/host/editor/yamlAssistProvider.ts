/**
 * Completion and hover in `*.snn.yaml` files from the experiment schema (core/config/schemaAssist.ts), for users
 * without Red Hat's YAML extension. With that extension installed, it serves the same schema through
 * `contributes.yamlValidation`, so these providers stand down instead of doubling every suggestion.
 */
import * as vscode from 'vscode';
import { yamlCompletions, yamlHover, type AssistItem } from '../../core/config/schemaAssist';
import { parseSource } from '../../core/config/sourceTree';
import { Disposable } from '../disposable';

/** The YAML language extension that reads `contributes.yamlValidation`. */
export const YAML_EXTENSION_ID = 'redhat.vscode-yaml';

export const YAML_EXPERIMENT_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.snn.{yaml,yml}' },
  { scheme: 'untitled', pattern: '**/*.snn.{yaml,yml}' },
];

const KINDS: Record<AssistItem['kind'], vscode.CompletionItemKind> = {
  property: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.EnumMember,
  snippet: vscode.CompletionItemKind.Snippet,
};

function documentValue(document: vscode.TextDocument): unknown {
  return parseSource(document.getText(), document.fileName).value;
}

class YamlAssist implements vscode.CompletionItemProvider, vscode.HoverProvider {
  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    const offset = document.offsetAt(position);
    const { items, replace } = yamlCompletions(document.getText(), offset, documentValue(document));
    const range = new vscode.Range(position.translate(0, -Math.min(replace, position.character)), position);
    return items.map((item, index) => {
      const completion = new vscode.CompletionItem(item.label, KINDS[item.kind]);
      completion.insertText = new vscode.SnippetString(item.insert);
      completion.range = range;
      completion.sortText = String(index).padStart(4, '0');
      if (item.detail) completion.detail = item.detail;
      if (item.documentation) completion.documentation = new vscode.MarkdownString(item.documentation);
      return completion;
    });
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const hover = yamlHover(document.getText(), document.offsetAt(position), documentValue(document));
    if (!hover) return undefined;
    const range = new vscode.Range(document.positionAt(hover.start), document.positionAt(hover.end));
    return new vscode.Hover(new vscode.MarkdownString(hover.markdown), range);
  }
}

/** Registers the providers while the YAML extension is absent, and follows it being installed or removed. */
export class YamlAssistRegistration extends Disposable {
  private registered: vscode.Disposable | undefined;

  constructor() {
    super();
    this.update();
    this._register(vscode.extensions.onDidChange(() => this.update()));
    this._register({ dispose: () => this.registered?.dispose() });
  }

  /** True while SNN Lab's own YAML completion and hover are registered. */
  get active(): boolean {
    return this.registered !== undefined;
  }

  private update(): void {
    const yamlExtension = vscode.extensions.getExtension(YAML_EXTENSION_ID) !== undefined;
    if (yamlExtension && this.registered) {
      this.registered.dispose();
      this.registered = undefined;
    } else if (!yamlExtension && !this.registered) {
      const assist = new YamlAssist();
      this.registered = vscode.Disposable.from(
        vscode.languages.registerCompletionItemProvider(YAML_EXPERIMENT_SELECTOR, assist, ':', ' ', '-'),
        vscode.languages.registerHoverProvider(YAML_EXPERIMENT_SELECTOR, assist),
      );
    }
  }
}
