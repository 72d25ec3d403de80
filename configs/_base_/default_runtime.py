# mmaction2's runtime (hooks, logging, visualizer, default_scope='mmaction')
# plus the import that registers mmpartkd's components in its registries.
_base_ = 'mmaction::_base_/default_runtime.py'

custom_imports = dict(imports=['mmpartkd'], allow_failed_imports=False)
