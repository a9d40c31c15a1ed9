// Renders clientlogin steps with QuickPick and InputBox. The wiki decides the fields; this renders
// whatever it sends: string/password -> InputBox, select/multiselect/checkbox -> QuickPick,
// hidden -> sent as is (by the core), null -> shown as information (e.g. a captcha question).

import * as vscode from 'vscode';
import type { AuthRequest, FieldValues, LoginError, LoginField, LoginPrompter, LoginStep } from '../mediawiki';

export interface VsCodePrompterOptions {
  siteName: string;
  /** The api.php's host: named in every prompt, so a wiki's name cannot pass for another wiki. */
  host: string;
  /** Scrubs and neutralises text for a notification (Log.clean). */
  clean(text: string): string;
  /** Every typed answer that is not a known-public one (user name, domain) is a secret to scrub. */
  secret(value: string): void;
  /** Answers known up front (command arguments, re-login): used without asking. */
  scripted?: Readonly<Record<string, string>>;
  /** Opens the identity provider and waits for the return. */
  redirect(target: string, step: LoginStep): Promise<FieldValues | undefined>;
  /** Told the answers of each step once they are complete (e.g. to keep the domain with the account). */
  filled?(step: LoginStep, values: FieldValues): void;
  /** After a failed round: whether to start another one (LoginPrompter.retryAfterFailure). Without: no. */
  retryAfterFailure?(error: LoginError): Promise<boolean>;
}

/** Fields the prompter never asks for: the core handles them. */
const HANDLED_BY_CORE = new Set(['rememberMe']);
/** Answers that are not secret (the same names the core's trace shows). */
const PUBLIC_FIELDS = new Set(['username', 'domain', 'rememberMe']);
/** Choices, not typed text: their values are the wiki's own option keys. */
const CHOICE_TYPES = new Set(['checkbox', 'select', 'multiselect', 'button']);

export class VsCodePrompter implements LoginPrompter {
  readonly retryAfterFailure?: (error: LoginError) => Promise<boolean>;

  constructor(private readonly options: VsCodePrompterOptions) {
    const retry = options.retryAfterFailure;
    if (retry) this.retryAfterFailure = (error) => retry.call(options, error);
  }

  async fill(step: LoginStep): Promise<FieldValues | undefined> {
    // Own properties only (spread copies them as data): field names are the wiki's.
    const scripted: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, { ...step.prefilled, ...this.options.scripted });
    const requests = await this.chooseRequests(step, scripted);
    if (!requests) return undefined;
    const values: FieldValues = Object.create(null) as FieldValues;
    const info: string[] = [];
    let infoUrl: string | undefined;
    if (step.message && step.kind !== 'start') info.push(step.message);
    for (const field of requests.flatMap((r) => r.fields)) {
      if (field.type === 'hidden' || HANDLED_BY_CORE.has(field.name)) continue;
      if (field.type === 'null') {
        const text = [field.label, field.value].filter(Boolean).join(' ');
        if (text) info.push(text);
        const url = /https?:\/\/\S+/.exec(text)?.[0] ?? (field.value && /^https?:/.test(field.value) ? field.value : undefined);
        if (url) infoUrl = url;
        continue;
      }
      if (field.type === 'button') {
        values[field.name] = scripted[field.name] ?? '1';
        continue;
      }
      const known = scripted[field.name];
      if (known !== undefined) {
        values[field.name] = normalise(field, known);
        continue;
      }
      const answer = await this.ask(field, info.splice(0), infoUrl, step);
      infoUrl = undefined;
      if (answer === undefined) return undefined;
      if (!PUBLIC_FIELDS.has(field.name) && !CHOICE_TYPES.has(field.type)) this.options.secret(answer);
      values[field.name] = answer;
    }
    if (info.length > 0) void vscode.window.showInformationMessage(this.options.clean(`${this.options.siteName} (${this.options.host}): ${info.join(' ')}`));
    this.options.filled?.(step, values);
    return values;
  }

  redirect(target: string, step: LoginStep): Promise<FieldValues | undefined> {
    return this.options.redirect(target, step);
  }

  /**
   * Several `primary-required` requests are alternatives (password, or an external provider).
   * Ask which one unless the scripted values already tell.
   */
  private async chooseRequests(step: LoginStep, scripted: Record<string, string>): Promise<AuthRequest[] | undefined> {
    const visible = (r: AuthRequest) => r.fields.some((f) => f.type !== 'hidden' && !HANDLED_BY_CORE.has(f.name));
    const primaries = step.requests.filter((r) => r.required === 'primary-required' && visible(r));
    const others = step.requests.filter((r) => !primaries.includes(r));
    if (primaries.length <= 1) return step.requests;
    const byScript = primaries.find((r) => r.fields.some((f) => scripted[f.name] !== undefined && f.type !== 'hidden'));
    if (byScript) return [...others, byScript];
    const picked = await vscode.window.showQuickPick(
      primaries.map((r) => ({ label: describeRequest(r), request: r })),
      { title: vscode.l10n.t('{0} ({1}): How do you want to log in?', this.options.siteName, this.options.host), ignoreFocusOut: true },
    );
    return picked ? [...others, picked.request] : undefined;
  }

  private async ask(field: LoginField, info: string[], infoUrl: string | undefined, step: LoginStep): Promise<string | undefined> {
    const title = `${this.options.siteName} (${this.options.host}): ${field.label}`;
    switch (field.type) {
      case 'checkbox': {
        const pick = await vscode.window.showQuickPick(
          [{ label: vscode.l10n.t('No'), value: '' }, { label: vscode.l10n.t('Yes'), value: '1' }],
          { title, placeHolder: [...info, field.help].filter(Boolean).join(' — '), ignoreFocusOut: true },
        );
        return pick?.value;
      }
      case 'select': {
        const pick = await vscode.window.showQuickPick(
          Object.entries(field.options ?? {}).map(([value, label]) => ({ label, description: value === label ? undefined : value, value })),
          { title, placeHolder: [...info, field.help].filter(Boolean).join(' — '), ignoreFocusOut: true },
        );
        return pick?.value;
      }
      case 'multiselect': {
        const picks = await vscode.window.showQuickPick(
          Object.entries(field.options ?? {}).map(([value, label]) => ({ label, value })),
          { title, placeHolder: [...info, field.help].filter(Boolean).join(' — '), canPickMany: true, ignoreFocusOut: true },
        );
        return picks?.map((p) => p.value).join('|');
      }
      default:
        return this.inputBox(field, title, info, infoUrl, step);
    }
  }

  private inputBox(field: LoginField, title: string, info: string[], infoUrl: string | undefined, step: LoginStep): Promise<string | undefined> {
    return new Promise((resolve) => {
      const box = vscode.window.createInputBox();
      box.title = title;
      box.password = field.type === 'password' || (field.sensitive && field.name !== 'captchaWord' && field.type !== 'string');
      box.ignoreFocusOut = true;
      box.prompt = [...info, field.help].filter(Boolean).join(' — ');
      box.placeholder = field.label;
      if (step.kind === 'ui' && step.message && step.messageCode && /failed|wrong|invalid/i.test(step.messageCode)) {
        box.validationMessage = { message: step.message, severity: vscode.InputBoxValidationSeverity.Warning };
      }
      const openImage: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('link-external'), tooltip: vscode.l10n.t('Open in browser') };
      if (infoUrl) box.buttons = [openImage];
      let done = false;
      const finish = (v: string | undefined) => {
        if (done) return;
        done = true;
        resolve(v);
        box.dispose();
      };
      box.onDidTriggerButton((b) => {
        if (b === openImage && infoUrl) void vscode.env.openExternal(vscode.Uri.parse(infoUrl));
      });
      box.onDidChangeValue((v) => {
        box.validationMessage = validate(field, v);
      });
      box.onDidAccept(() => {
        const v = box.value;
        const problem = validate(field, v);
        if (problem && typeof problem !== 'string' && problem.severity === vscode.InputBoxValidationSeverity.Error) {
          box.validationMessage = problem;
          return;
        }
        finish(normalise(field, v));
      });
      box.onDidHide(() => finish(undefined));
      box.show();
    });
  }
}

function describeRequest(r: AuthRequest): string {
  const button = r.fields.find((f) => f.type === 'button');
  if (button) return button.label;
  if (r.fields.some((f) => f.type === 'password')) return vscode.l10n.t('User name and password');
  return r.id.split('\\').pop() ?? r.id;
}

/** Two-factor codes are often copied as "123 456": the spaces are not part of the code. */
function normalise(field: LoginField, value: string): string {
  if (field.name === 'OATHToken' || /^(token|code|otp)$/i.test(field.name)) return value.replace(/\s+/g, '');
  return value;
}

function validate(field: LoginField, value: string): vscode.InputBoxValidationMessage | undefined {
  if (!value && !field.optional) {
    return { message: vscode.l10n.t('{0} is required.', field.label), severity: vscode.InputBoxValidationSeverity.Error };
  }
  if (field.type === 'password' && value !== value.trim()) {
    return { message: vscode.l10n.t('The password starts or ends with a space. If that is not intended, remove it.'), severity: vscode.InputBoxValidationSeverity.Warning };
  }
  if (field.name === 'OATHToken' && value && !/^\d{6,8}$/.test(value.replace(/\s+/g, ''))) {
    return { message: vscode.l10n.t('A two-factor code is 6 digits from your authenticator app.'), severity: vscode.InputBoxValidationSeverity.Warning };
  }
  return undefined;
}
