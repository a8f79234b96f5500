/** The assemblies lab's requests from the UI; a refused or failed request becomes a notice. */
import { asmRunner } from '../../app/instance';
import type { AsmRequest } from '../../app/asmProtocol';
import { appStore } from '../../state/store';

export async function ask(req: AsmRequest): Promise<boolean> {
  try {
    await asmRunner.request(req);
    return true;
  } catch (e) {
    appStore.getState().pushNotice('warning', e instanceof Error ? e.message : String(e));
    return false;
  }
}

/** Perturb one Pyr cell and show the result in the perturbation view. */
export function perturbCell(cell: number): void {
  appStore.getState().setView('perturb');
  void ask({ type: 'perturbCell', cell });
}
